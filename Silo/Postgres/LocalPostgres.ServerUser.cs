using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Villages.Silo.Postgres;

/// <summary>Running PostgreSQL's tools, as the server user when this process is root.</summary>
public sealed partial class LocalPostgres
{
    private Task ChownAsync(string path, bool recursive, CancellationToken ct) =>
        RunCheckedAsync("chown", recursive ? ["-R", $"{ServerUser}:", path] : [$"{ServerUser}:", path], ct);

    private static async Task RunCheckedAsync(string program, string[] args, CancellationToken ct)
    {
        var result = await RunProcessAsync(program, args, TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {string.Join(' ', args)}' failed with exit code {result.ExitCode}: {result.Output.Trim()}");
        }
    }

    private static async Task EnsureServerUserExistsAsync(CancellationToken ct)
    {
        var result = await RunProcessAsync("id", ["-u", ServerUser], TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"This process runs as root, and PostgreSQL refuses to: it has to run as the '{ServerUser}' user, which does not exist here. " +
                "Install the postgresql package (it creates that user) or run as an ordinary user.");
        }
    }

    /// <summary>
    /// As root, the server runs as the postgres user, which must pass through <paramref name="folder"/>
    /// (0700, ours) to reach its data directory inside: the folder's group becomes postgres with
    /// traverse only (0710), so that user can enter it but list and read nothing else there.
    /// </summary>
    public static async Task LetServerUserThroughAsync(string folder, CancellationToken ct = default)
    {
        if (!Environment.IsPrivilegedProcess || !OperatingSystem.IsLinux()) return;
        var result = await RunProcessAsync("chgrp", [ServerUser, folder], TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        if (result.ExitCode != 0) return; // no postgres user: StartAsync says so
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
    }

    private static async Task<bool> ServerUserCanTraverseAsync(string directory, CancellationToken ct)
    {
        // 'test -x' as the server user fails if any ancestor is not searchable for it.
        var result = await RunProcessAsync(RunUserPath(), ["-u", ServerUser, "--", "test", "-x", directory], TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    private static (string FileName, List<string> Arguments) ToolCommand(string binDirectory, bool asServerUser, string tool, IEnumerable<string> args)
    {
        var exe = Path.Combine(binDirectory, tool);
        return asServerUser
            ? (RunUserPath(), ["-u", ServerUser, "--", exe, .. args])
            : (exe, [.. args]);
    }

    private Task<ToolResult> RunToolAsync(string tool, IEnumerable<string> args, TimeSpan timeout, CancellationToken ct, string? stdin = null)
    {
        var (fileName, arguments) = ToolCommand(BinDirectory, _runAsServerUser, tool, args);
        return RunProcessAsync(fileName, arguments, timeout, ct, stdin);
    }

    private ToolResult RunTool(string tool, IEnumerable<string> args, TimeSpan timeout)
    {
        var (fileName, arguments) = ToolCommand(BinDirectory, _runAsServerUser, tool, args);
        return RunProcess(fileName, arguments, timeout);
    }

    private static ToolResult RunProcess(string fileName, IEnumerable<string> args, TimeSpan timeout)
    {
        using var process = Process.Start(CreateStartInfo(fileName, args))
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return new ToolResult(-1, $"{fileName} timed out after {timeout.TotalSeconds:0} s");
        }

        return new ToolResult(process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }

    private static async Task<ToolResult> RunProcessAsync(string fileName, IEnumerable<string> args, TimeSpan timeout, CancellationToken ct, string? stdin = null)
    {
        var info = CreateStartInfo(fileName, args);
        info.RedirectStandardInput = stdin is not null;
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s.");
        }

        return new ToolResult(process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server user may not be able to enter our working directory (e.g. under /root).
            WorkingDirectory = "/",
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Messages in English (the port clash check reads them), and no libpq settings of the caller.
        info.Environment["LC_ALL"] = "C";
        foreach (var name in new[] { "PGDATA", "PGPORT", "PGHOST", "PGUSER", "PGDATABASE", "PGOPTIONS" })
        {
            info.Environment.Remove(name);
        }

        return info;
    }

    private static string RunUserPath() =>
        new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser" }.FirstOrDefault(File.Exists) ?? "runuser";

    private sealed record ToolResult(int ExitCode, string Output);
}
