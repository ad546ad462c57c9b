using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Villages.Bench.Shared;

/// <summary>Where the figures were taken.</summary>
public sealed record MachineInfo(int Cores, string Cpu, string DateUtc, string? Commit, string Runtime, string Os)
{
    public static MachineInfo Describe(string? repoRoot)
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        string? commit = null;
        if (repoRoot is not null && Git(repoRoot, "rev-parse", "--short=12", "HEAD") is { Length: > 0 } head)
        {
            commit = Git(repoRoot, "status", "--porcelain", "--untracked-files=no") is { Length: > 0 } ? head + "+dirty" : head;
        }
        return new MachineInfo(Environment.ProcessorCount, cpu, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            commit, RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);
    }

    public override string ToString() =>
        $"machine: {Cores} cores ({Cpu}), {DateUtc}, commit {Commit ?? "unknown"}, {Runtime}, {Os}";

    private static string? Git(string repo, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-C");
            info.ArgumentList.Add(repo);
            foreach (var a in args) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;   // no git
        }
    }
}
