using System.Diagnostics;

namespace Villages.Tests.Cluster;

/// <summary>
/// One real node (a Silo or WebApi process) started with `dotnet &lt;dll&gt;` from its build folder
/// (the content root, where its appsettings are), its output appended to a log file. Its probes are
/// on <paramref name="management"/>: a WebApi node's management port; a silo's only HTTP port is its own.
/// </summary>
internal sealed class NodeProcess(string name, string dll, Uri url, Uri management, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string logFile)
{
    private Process? _process;

    public string Name { get; } = name;
    public Uri Url { get; } = url;
    public Uri Management { get; } = management;
    public string LogFile { get; } = logFile;
    public int Pid => _process?.Id ?? 0;
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>How many times the process was started.</summary>
    public int Starts { get; private set; }

    public void Start()
    {
        // exec: the shell becomes the node, so the pid is the node's and a SIGKILL reaches it.
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardInput = true,
        };
        string[] ports = Management == Url ? [] : ["--Villages:Operations:Port", Management.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Villages:Operations:Address", "127.0.0.1"];
        foreach (var arg in (string[])["-c", "exec \"$@\" >>\"$VILLAGES_NODE_LOG\" 2>&1 </dev/null", Name, "dotnet", dll, "--urls", Url.ToString().TrimEnd('/'), .. ports, .. arguments])
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var variable in new[] { "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ConnectionStrings__Villages" })
        {
            info.Environment.Remove(variable);
        }
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.Environment["VILLAGES_NODE_LOG"] = LogFile;
        File.AppendAllText(LogFile, $"==== {DateTime.UtcNow:HH:mm:ss.fff} start {Name}: dotnet {Path.GetFileName(dll)} {string.Join(' ', arguments)}\n");
        _process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Name}.");
        Starts++;
    }

    /// <summary>kill -9: no shutdown, no leaving the cluster.</summary>
    public void Kill()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        _process.WaitForExit(10_000);
        File.AppendAllText(LogFile, $"==== {DateTime.UtcNow:HH:mm:ss.fff} killed (SIGKILL)\n");
    }

    /// <summary>SIGTERM, then SIGKILL after the timeout.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is null || _process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term!.WaitForExitAsync();
        }
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>Until GET /health/ready answers 200; fails at once if the process exits.</summary>
    public async Task WaitReadyAsync(HttpClient http, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!IsRunning) throw new InvalidOperationException($"{Name} exited with code {_process?.ExitCode}.\n{Tail(40)}");
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await http.GetAsync(new Uri(Management, "/health/ready"), cts.Token);
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:0} s.\n{Tail(40)}");
            await Task.Delay(250);
        }
    }

    /// <summary>The last lines of the node's log.</summary>
    public string Tail(int lines)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(0, stream.Length - 256 * 1024), SeekOrigin.Begin);
            var text = new StreamReader(stream).ReadToEnd().Split('\n');
            return string.Join('\n', text.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(no log: {ex.Message})";
        }
    }
}
