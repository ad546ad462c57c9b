using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Villages.Silo.Postgres;
using Villages.Silo.Storage;
using Villages.Tests.Infrastructure;

namespace Villages.Tests.Cluster;

/// <summary>
/// A real cluster on loopback, as scripts/cluster starts one: a PostgreSQL server of its own, silo
/// processes and WebApi processes as pure cluster clients, all from the Release build. Nodes can be
/// killed and restarted and the database stopped and started again on the same port. Whatever
/// happens to the test process, a reaper kills the nodes, stops the server and deletes the folder.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    /// <summary>The development issuer's key, the same on every WebApi node (base64 of 32 bytes).</summary>
    public static readonly string SigningKey = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("villages fault tests")));

    private readonly string _root;
    private readonly string _pidsFile;
    private readonly LocalPostgresOptions _database;
    private LocalPostgres? _server;
    private readonly List<NodeProcess> _silos = [];
    private readonly List<NodeProcess> _webApis = [];

    private ProcessCluster(string root, LocalPostgresOptions database)
    {
        _root = root;
        _pidsFile = Path.Combine(root, "pids");
        _database = database;
    }

    public IReadOnlyList<NodeProcess> Silos => _silos;
    public IReadOnlyList<NodeProcess> WebApis => _webApis;
    public IEnumerable<NodeProcess> Nodes => _silos.Concat(_webApis);
    public string ConnectionString { get; private set; } = null!;
    public string LogDirectory => Path.Combine(_root, "logs");
    public HttpClient Probe { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<ProcessCluster> StartAsync(int silos, int webApis)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(silos, webApis);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // A port picked free was taken before its node bound it (by another process's outgoing
                // connection, say): start again on ports picked again.
            }
        }
    }

    private static async Task<ProcessCluster> StartOnceAsync(int silos, int webApis)
    {
        var (siloDll, webApiDll) = Binaries();
        var root = Path.Combine(Path.GetTempPath(), $"villages-cluster-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(Path.Combine(root, "logs"));
        // Traversable for the 'postgres' user when the tests run as root.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        var cluster = new ProcessCluster(root, new LocalPostgresOptions
        {
            DataDirectory = Path.Combine(root, "pg"),
            Port = Ports.Next(), // the same port after a restart: the nodes keep their connection string
            SharedBuffersMegabytes = 128,
            SyncNewCluster = false,
        });
        try
        {
            await cluster.StartDatabaseAsync();
            Reaper.Start(cluster._pidsFile, cluster._server!.GetStopCommand(immediate: true), root, cluster._server.DataDirectory, cluster._server.SocketDirectory);
            cluster.ConnectionString = new NpgsqlConnectionStringBuilder(cluster._server.ConnectionString) { MaxPoolSize = 40 }.ConnectionString;
            await SchemaMigrator.ApplyAsync(cluster.ConnectionString, logger: null);

            var common = new Dictionary<string, string>
            {
                ["ConnectionStrings__Villages"] = cluster.ConnectionString,
                ["Villages__Privacy__Secret"] = TestSecrets.Secret,
                // Every node presents the test run's certificate and trusts only it: the cluster runs on mutual TLS.
                ["Villages__Cluster__Tls__SelfSignedPath"] = TestCertificates.SelfSignedPath,
                ["Logging__Console__FormatterName"] = "simple",
                ["Logging__Console__FormatterOptions__SingleLine"] = "true",
                ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
                ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
                ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information", // joins, suspicions, deaths
                ["DOTNET_gcServer"] = "0", // seven processes share two cores
            };
            for (var i = 1; i <= silos; i++)
            {
                // Fixed ports, so that a silo started again comes back at the same address, as under a
                // process supervisor: joining, it declares its killed predecessor dead at once.
                cluster._silos.Add(cluster.Node($"silo-{i}", siloDll, ownManagementPort: false,
                    [$"--Villages:Cluster:SiloPort={Ports.Next()}", $"--Villages:Cluster:GatewayPort={Ports.Next()}", $"--Villages:Cluster:SiloName=silo-{i}"],
                    new(common) { ["ASPNETCORE_ENVIRONMENT"] = "Production" }));
            }
            for (var i = 1; i <= webApis; i++)
            {
                cluster._webApis.Add(cluster.Node($"webapi-{i}", webApiDll, ownManagementPort: true, ["--Villages:Cluster:CoHostSilo=false"], new(common)
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Development",
                    ["Villages__Auth__DevelopmentTokens__Enabled"] = "true",
                    ["Villages__Auth__DevelopmentTokens__SigningKey"] = SigningKey,
                    ["Villages__Demo__Enabled"] = "false",
                    ["Villages__RateLimit__PerCallerPerSecond"] = "1000000",
                    ["Villages__RateLimit__AnonymousPerSecond"] = "1000000",
                }));
            }
            foreach (var node in cluster.Nodes) cluster.Start(node);
            await Task.WhenAll(cluster.Nodes.Select(n => n.WaitReadyAsync(cluster.Probe, TimeSpan.FromSeconds(120))));
            return cluster;
        }
        catch (Exception ex)
        {
            var logs = cluster.LogTails(40);
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"The cluster did not start: {ex.Message}\n{logs}", ex);
        }
    }

    public void Start(NodeProcess node)
    {
        node.Start();
        File.WriteAllText(_pidsFile, string.Join(' ', Nodes.Where(n => n.IsRunning).Select(n => n.Pid)));
    }

    public async Task RestartAsync(NodeProcess node)
    {
        Start(node);
        await node.WaitReadyAsync(Probe, TimeSpan.FromSeconds(120));
    }

    /// <summary>pg_ctl stop -m fast: sessions are terminated, as when the server is restarted or fails over.</summary>
    public async Task StopDatabaseAsync()
    {
        await _server!.StopAsync();
        _server = null;
    }

    public async Task StartDatabaseAsync() => _server = await LocalPostgres.StartAsync(_database);

    /// <summary>The last lines of every node's log, for a failure message.</summary>
    public string LogTails(int lines) => string.Join("\n", Nodes.Select(n => $"---- {n.Name} (pid {n.Pid}, {(n.IsRunning ? "running" : "not running")}, {n.LogFile}) ----\n{n.Tail(lines)}"))
        + (_server is null ? "" : $"\n---- postgres ----\n{_server.ReadLogTail(lines)}");

    /// <summary>Copies the logs somewhere that outlives the cluster (whose folder goes with it); returns where.</summary>
    public string KeepLogs()
    {
        var kept = Path.Combine(Path.GetTempPath(), $"villages-cluster-logs-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(kept);
        foreach (var file in Directory.EnumerateFiles(LogDirectory)) File.Copy(file, Path.Combine(kept, Path.GetFileName(file)));
        if (_server is not null && File.Exists(_server.LogFile)) File.Copy(_server.LogFile, Path.Combine(kept, "postgres.log"));
        return kept;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) node.Kill();
        if (_server is not null) await _server.StopAsync();
        Probe.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The reaper deletes it when the test process exits.
        }
    }

    private NodeProcess Node(string name, string dll, bool ownManagementPort, string[] arguments, Dictionary<string, string> environment)
    {
        var url = new Uri($"http://127.0.0.1:{Ports.Next()}");
        var management = ownManagementPort ? new Uri($"http://127.0.0.1:{Ports.Next()}") : url;
        return new(name, dll, url, management, arguments, environment, Path.Combine(LogDirectory, name + ".log"));
    }

    /// <summary>The Release build of Silo and WebApi (scripts/test builds it first); built here if missing.</summary>
    private static (string Silo, string WebApi) Binaries()
    {
        var repository = LocalDatabase.ProjectRoot(AppContext.BaseDirectory);
        if (!File.Exists(Path.Combine(repository, "Villages.sln")))
        {
            throw new InvalidOperationException($"The repository (Villages.sln) was not found above {AppContext.BaseDirectory}.");
        }
        var silo = Path.Combine(repository, "Silo", "bin", "Release", "net10.0", "Villages.Silo.dll");
        var webApi = Path.Combine(repository, "WebApi", "bin", "Release", "net10.0", "Villages.WebApi.dll");
        foreach (var (dll, project) in new[] { (silo, "Silo/Silo.csproj"), (webApi, "WebApi/WebApi.csproj") })
        {
            if (File.Exists(dll)) continue;
            var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", project, "-nologo", "-v", "quiet"])
            {
                WorkingDirectory = repository, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var output = build.StandardOutput.ReadToEndAsync();
            var errors = build.StandardError.ReadToEndAsync();
            if (!build.WaitForExit(TimeSpan.FromMinutes(10)) || build.ExitCode != 0 || !File.Exists(dll))
            {
                throw new InvalidOperationException(
                    $"{dll} is missing and 'dotnet build -c Release {project}' did not make it. Run 'dotnet build -c Release Villages.sln' first.\n" +
                    output.Result + errors.Result);
            }
        }
        return (silo, webApi);
    }
}
