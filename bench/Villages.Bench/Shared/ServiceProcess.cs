using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace Villages.Bench.Shared;

/// <summary>
/// The already-built WebApi (co-hosting its Orleans silo) run as a child process: nothing is built at
/// run time. Its console output is kept (the last lines) to show on failure and at the end.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private int _lines;

    private ServiceProcess(Process process, Uri baseUrl, Uri managementUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        ManagementUrl = managementUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>Its management port: /health/ready and /metrics (the public port has neither).</summary>
    public Uri ManagementUrl { get; }

    /// <summary>The development key the service signs and checks tokens with: the bench mints its operators' tokens with it.</summary>
    public string SigningKey { get; private set; } = "";
    public int Pid => _process.Id;

    /// <summary>Lines the service wrote (with Default=Warning, each one is worth a look).</summary>
    public int LineCount => Volatile.Read(ref _lines);

    /// <summary>--webapi-dll, else WebApi/bin/Release (then Debug)/net10.0/Villages.WebApi.dll under the repository.</summary>
    public static string? FindDll(string? given, string? repoRoot)
    {
        if (given is not null) return File.Exists(given) ? Path.GetFullPath(given) : null;
        if (repoRoot is null) return null;
        return new[] { "Release", "Debug" }
            .Select(c => Path.Combine(repoRoot, "WebApi", "bin", c, "net10.0", "Villages.WebApi.dll"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// A private PostgreSQL and the built WebApi on it, both stopped by the cleanup; returns once the
    /// service answers /health/ready. What it started is printed as it goes.
    /// </summary>
    public static async Task<(BenchPostgres Postgres, ServiceProcess Service)> StartWithDatabaseAsync(
        BenchOptions options, string? repoRoot, Cleanup cleanup, CancellationToken ct)
    {
        var dll = FindDll(options.WebApiDll, repoRoot)
            ?? throw new FileNotFoundException(options.WebApiDll is null
                ? $"No built WebApi under {repoRoot ?? "(no repository found)"}/WebApi/bin/{{Release,Debug}}/net10.0: run 'dotnet build -c Release Villages.sln' first, or pass --webapi-dll."
                : $"--webapi-dll {options.WebApiDll} does not exist.");
        var postgres = await BenchPostgres.StartAsync(cleanup, ct);
        Console.WriteLine($"PostgreSQL {postgres.Server.Host}:{postgres.Server.Port}, data in {postgres.Server.DataDirectory} (deleted at the end)");
        // The cluster certificate of this run, deleted with the database's folder.
        var certificate = Path.Combine(Path.GetDirectoryName(postgres.Server.RequestedDataDirectory)!, "cluster-tls.pfx");
        var service = Start(dll, postgres.Server.ConnectionString, certificate);
        cleanup.Add(service.Stop);
        Console.WriteLine($"Service {dll} (pid {service.Pid}) at {service.BaseUrl}");
        var took = await service.WaitReadyAsync(TimeSpan.FromSeconds(options.ReadyTimeout), ct);
        Console.WriteLine($"Ready after {took.TotalSeconds:0.0} s");
        return (postgres, service);
    }

    /// <summary>
    /// Starts the service with a self-signed cluster certificate at <paramref name="certificate"/>.
    /// Villages__Cluster__Tls__Enabled=false in the bench's environment reaches the service (to measure what TLS costs).
    /// </summary>
    public static ServiceProcess Start(string dll, string connectionString, string certificate)
    {
        var port = Villages.Silo.Postgres.LoopbackPort.Free();
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,   // content root: its appsettings.json
        };
        foreach (var arg in new[] { dll, "--urls", url }) info.ArgumentList.Add(arg);
        foreach (var name in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS" }) info.Environment.Remove(name);
        info.Environment["ConnectionStrings__Villages"] = connectionString;
        info.Environment["Villages__Cluster__Tls__SelfSignedPath"] = certificate;
        info.Environment["Villages__Privacy__Secret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // Development for its local token issuer; no demo campaign; client budgets far above the bench's pace.
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Villages__Auth__DevelopmentTokens__Enabled"] = "true";
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        info.Environment["Villages__Auth__DevelopmentTokens__SigningKey"] = signingKey;
        info.Environment["Villages__Demo__Enabled"] = "false";
        info.Environment["Villages__RateLimit__PerCallerPerSecond"] = "1000000";
        info.Environment["Villages__RateLimit__AnonymousPerSecond"] = "1000000";
        // Free silo and gateway ports: other silos may run on this machine with the default ones.
        info.Environment["Villages__Cluster__SiloPort"] = "0";
        info.Environment["Villages__Cluster__GatewayPort"] = "0";
        var management = Villages.Silo.Postgres.LoopbackPort.Free();
        info.Environment["Villages__Operations__Port"] = management.ToString(CultureInfo.InvariantCulture);
        info.Environment["Villages__Operations__Address"] = "127.0.0.1";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, new Uri(url), new Uri($"http://127.0.0.1:{management}")) { SigningKey = signingKey };
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        if (!process.Start()) throw new InvalidOperationException("Could not start 'dotnet'.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Polls GET /health/ready until 200; fails with the child's output if it exits or times out.</summary>
    public async Task<TimeSpan> WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var ready = new Uri(ManagementUrl, "/health/ready");
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // flush the output readers
                throw new InvalidOperationException(
                    $"The service exited with code {_process.ExitCode} before it was ready. Its output:\n{OutputTail(60)}");
            }
            try
            {
                using var response = await http.GetAsync(ready, ct);
                if (response.StatusCode == HttpStatusCode.OK) return clock.Elapsed;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
            }
            catch (HttpRequestException ex) { last = ex.Message; }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { last = "health check timed out"; }
            await Task.Delay(250, ct);
        }
        throw new TimeoutException(
            $"The service was not ready within {timeout.TotalSeconds:0} s (last: {last}). Its output:\n{OutputTail(60)}");
    }

    public string OutputTail(int lines)
    {
        var all = _tail.ToArray();
        return all.Length == 0 ? "  (nothing)" : string.Join('\n', all.TakeLast(lines).Select(l => "  | " + l));
    }

    /// <summary>Kills the service and anything it started; safe to call more than once.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        Interlocked.Increment(ref _lines);
        _tail.Enqueue(line);
        while (_tail.Count > KeptLines) _tail.TryDequeue(out _);
    }
}
