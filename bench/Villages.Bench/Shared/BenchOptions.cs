using System.Globalization;

namespace Villages.Bench.Shared;

/// <summary>Command-line options, parsed by hand: <c>--name value</c> or <c>--name=value</c>.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        Villages.Bench: enrolments per second through the HTTP API, next to the plain-SQL peer; live-progress
        reads and staleness measured during the same load.

        usage: Villages.Bench [single] [options]
               Villages.Bench national [--villages N] [--workers 100] [--batch 100] [--clients 16] [--url URL] [options]
               Villages.Bench memory [--villages 10000] [--workers 100] [--idle 180] [--clients 16]
               Villages.Bench stages [--villages 2000] [--clients 16] [--warmup 10] [--seconds 15]
                 CPU and allocations per enrolment by stage (silo side through the grains, then HTTP's steps one by one)
          --url URL            measure a running service instead of starting one (PostgreSQL for the peer is still started)
          --token JWT          the bearer token to write with (default: minted by the service's POST /dev/tokens, Development only)
          --webapi-dll PATH    the built WebApi to start (default: WebApi/bin/Release|Debug/net10.0/Villages.WebApi.dll)
          --villages N         villages opened per round (default 2000; raised for a round if the last one suggests more)
          --clients N[,M...]   concurrent clients; a list runs one round each (default 16)
          --seconds S          measured seconds per round (default 15)
          --warmup S           warm-up seconds before each round, not measured (default 10: the JIT is still tiering up before that)
          --readers N          progress readers during each round's measured window, alternating GET /api/progress
                               and GET /api/progress/{the province with most of the round's villages} (default 4; 0: none)
          --read-rate R        those readers' reads per second in all, on a fixed schedule, each timed from when it
                               was due (default 200, most of what the HTTP peer serves alone; 0: each reader in a
                               closed loop, as fast as it is answered, taking CPU from the enrolments)
          --alone-readers N    after the rounds, --seconds of reads with no enrolment load, as the peer's national
                               reads run: wrk with N connections on GET /api/progress (--driver dotnet: N readers of
                               the two endpoints above) (default 16; 0: skip)
          --driver wrk|dotnet  what drives the enrolments and the reads alone (default wrk, installed from Debian when
                               missing, as the HTTP peer is driven; dotnet: a .NET HttpClient loop in this process,
                               which also times every 201 for the staleness figure)
          --sample-ms MS       staleness (--driver dotnet only): sample the national figures every MS ms from the window's start (default 20; 0: off)
          --budget RP          budgetAllocated per village (default 20160000 = 100 workers at JKK+JKM, 1,000,000 income)
          --peer PATH          the peer's run script (default ../shared/peer/sql-baseline/run from the repository root,
                               then /work/shared/peer/sql-baseline/run)
          --no-peer            skip the peer
          --seed N             moves the NIK sequence and the village order (default 0; random with --url)
          --json FILE          also write the figures as JSON
          --ready-timeout S    how long to wait for /health/ready (default 180)

        national: open programmes in every village (or N), then enrol --workers per village through
        POST /api/villages/{code}/enrollments/batch, --batch workers per request, by --clients clients
          --villages N         villages (default all 83,762, in a fixed pseudo-random order)
          --workers N          workers per village (default 100; budget per village = N x 201,600 unless --budget)
          --batch N            workers per batch request, one village per request (default 100; the service takes up to 1,000)
          --clients N          concurrent clients, for the programmes and the batches (default 16; one value)
          --url URL            measure a running service (a cluster's WebApi); with it:
          --metrics-url URL    with --url: where /metrics is (a silo's HTTP port, or a WebApi node's management
                               port, Villages:Operations:Port), for the memory per village (default: not measured)
          --pids P[,Q...]      the service processes whose memory and CPU to report (default: every process
                               running Villages.Silo or Villages.WebApi on this machine)
          --connection-string CS  the service's database, for its size (default with --url: not measured)
          --renew              then renew the nation: open next year's programme in every village and renew
                               every worker into it (POST .../programs/{year}/renewals, one village per request)
          --wait-idle          at the end, wait (up to 15 min) for the villages to go idle and print the memory after
          --seed, --token, --webapi-dll, --budget, --json, --ready-timeout as above

        memory: a silo in this process on a private PostgreSQL; the live heap per 10,000 active villages
        with a programme, then with --workers enrolments each, then after they have been idle
          --villages N         villages (default 10,000)
          --idle S             Villages:Activations:VillageIdleTimeout for the run, in seconds (default 180)

        money: a silo in this process on a private PostgreSQL whose domain clock the bench moves: --workers
        enrolments in every village (or --villages N), no payment; a 100,000-row BPJS result file for the
        largest regency reconciled (and again); then the time from the clock passing a due date's midnight
        to the nation's arrears, and from the midnight after the fourth month in arrears to its terminations
          --villages N, --workers, --clients as above
        """;

    /// <summary>Premium of one worker for the default programme: JKK 10,000 + JKM 6,800 a month, 12 months.</summary>
    public const long PremiumPerWorker = 201_600;

    public string Mode { get; init; } = "single";
    public int IdleSeconds { get; init; } = 180;
    public Uri? Url { get; init; }

    /// <summary>national with --url: the node whose /metrics tells the memory per village.</summary>
    public Uri? MetricsUrl { get; init; }
    public string? Token { get; init; }
    public string? WebApiDll { get; init; }
    public int Villages { get; init; } = 2000;
    public int[] Clients { get; init; } = [16];
    public int Seconds { get; init; } = 15;
    public int Warmup { get; init; } = 10;
    public long Budget { get; init; } = 20_160_000;
    public int Readers { get; init; } = 4;
    public int ReadRate { get; init; } = 200;
    public int SampleMs { get; init; } = 20;
    public int AloneReaders { get; init; } = 16;
    public string Driver { get; init; } = "wrk";
    public string? Peer { get; init; }
    public bool NoPeer { get; init; }
    public int? Seed { get; init; }
    public string? Json { get; init; }
    public int ReadyTimeout { get; init; } = 180;
    public bool Help { get; init; }

    // national mode
    public int? VillagesGiven { get; init; }
    public bool BudgetGiven { get; init; }
    public int Workers { get; init; } = 100;
    public int Batch { get; init; } = 100;
    public int[]? Pids { get; init; }
    public string? ConnectionString { get; init; }
    public bool Renew { get; init; }
    public bool WaitIdle { get; init; }

    /// <summary>The national mode's budget per village: --budget, else what --workers cost.</summary>
    public long NationalBudget => BudgetGiven ? Budget : Workers * PremiumPerWorker;

    public int WorkersPerVillage => (int)(Budget / PremiumPerWorker);

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string Value() => inline ?? (++i < args.Count ? args[i] : throw new ArgumentException($"{arg} needs a value."));
            o = arg switch
            {
                "single" when i == 0 => o with { Mode = "single" },
                "national" when i == 0 => o with { Mode = "national" },
                "memory" when i == 0 => o with { Mode = "memory" },
                "money" when i == 0 => o with { Mode = "money" },
                "stages" when i == 0 => o with { Mode = "stages" },
                "--idle" => o with { IdleSeconds = Positive(arg, Value()) },
                "-h" or "--help" => o with { Help = true },
                "--token" => o with { Token = Value() },
                "--url" => o with { Url = Uri.TryCreate(Value(), UriKind.Absolute, out var u) ? u : throw new ArgumentException("--url needs an absolute URL.") },
                "--metrics-url" => o with { MetricsUrl = Uri.TryCreate(Value(), UriKind.Absolute, out var m) ? m : throw new ArgumentException("--metrics-url needs an absolute URL.") },
                "--webapi-dll" => o with { WebApiDll = Value() },
                "--villages" => WithVillages(o, Positive(arg, Value())),
                "--clients" => o with { Clients = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => Positive(arg, c))] },
                "--seconds" => o with { Seconds = Positive(arg, Value()) },
                "--warmup" => o with { Warmup = NonNegative(arg, Value()) },
                "--budget" => o with { Budget = long.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b >= PremiumPerWorker ? b : throw new ArgumentException($"--budget must be at least {PremiumPerWorker}."), BudgetGiven = true },
                "--readers" => o with { Readers = NonNegative(arg, Value()) },
                "--read-rate" => o with { ReadRate = NonNegative(arg, Value()) },
                "--alone-readers" => o with { AloneReaders = NonNegative(arg, Value()) },
                "--driver" => o with { Driver = Value() is var d && d is "wrk" or "dotnet" ? d : throw new ArgumentException("--driver is wrk or dotnet.") },
                "--sample-ms" => o with { SampleMs = NonNegative(arg, Value()) },
                "--peer" => o with { Peer = Value() },
                "--no-peer" => o with { NoPeer = true },
                "--seed" => o with { Seed = NonNegative(arg, Value()) },
                "--json" => o with { Json = Value() },
                "--ready-timeout" => o with { ReadyTimeout = Positive(arg, Value()) },
                "--workers" => o with { Workers = Positive(arg, Value()) is var w and <= 10_000 ? w : throw new ArgumentException("--workers must be 1 to 10,000 (a programme's bound).") },
                "--batch" => o with { Batch = Positive(arg, Value()) },
                "--pids" => o with { Pids = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => Positive(arg, p))] },
                "--connection-string" => o with { ConnectionString = Value() },
                "--renew" => o with { Renew = true },
                "--wait-idle" => o with { WaitIdle = true },
                _ when !arg.StartsWith('-') => throw new ArgumentException($"Unknown mode '{arg}': 'single' (the default), 'national', 'memory' or 'money'."),
                _ => throw new ArgumentException($"Unknown option '{arg}'."),
            };
        }
        if (o.Clients.Length == 0) throw new ArgumentException("--clients needs at least one number.");
        if (o.Mode == "national" && o.Clients.Length > 1) throw new ArgumentException("national takes one --clients value.");
        return o;
    }

    private static BenchOptions WithVillages(BenchOptions o, int villages) => o with { Villages = villages, VillagesGiven = villages };

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"{name} must be a positive whole number, not '{text}'.");

    private static int NonNegative(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"{name} must be a whole number, not '{text}'.");
}
