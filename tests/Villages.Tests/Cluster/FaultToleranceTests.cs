using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Villages.Regions;
using Villages.Tests.Infrastructure;
using Xunit.Abstractions;
using Nik = Villages.Domain.Nik;

namespace Villages.Tests.Cluster;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterCollection
{
    public const string Name = "Process cluster";
}

/// <summary>
/// The real thing: 3 silo processes and 2 WebApi processes (pure cluster clients) from the Release
/// build on a PostgreSQL of their own, under a steady enrolment load through both WebApi nodes.
/// One silo is killed with SIGKILL and started again (once it serves, with the load paused, every
/// rollup must equal its villages within seconds), then PostgreSQL is stopped for a few seconds and
/// started again; no process is restarted for it. Afterwards nothing acknowledged is missing, no
/// worker is in two villages, every budget adds up and every rollup equals its villages.
/// </summary>
[Collection(ProcessClusterCollection.Name), Trait("Category", "System")]
public sealed class FaultToleranceTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private static readonly TimeSpan RollupDeadline = TimeSpan.FromSeconds(30);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _timeline = new();

    [Fact]
    public async Task Acknowledged_enrolments_survive_a_killed_silo_and_a_database_outage()
    {
        Step("starting PostgreSQL, 3 silos and 2 WebApi clients from the Release build");
        await using var cluster = await ProcessCluster.StartAsync(silos: 3, webApis: 2);
        Step($"cluster ready; logs in {cluster.LogDirectory}");
        try
        {
            await RunAsync(cluster);
        }
        catch (Exception ex)
        {
            Step($"failed; the logs are kept in {cluster.KeepLogs()}");
            output.WriteLine(_timeline.ToString());
            output.WriteLine("Last lines of every node's log:");
            output.WriteLine(cluster.LogTails(80));
            throw new Xunit.Sdk.XunitException($"{ex.Message}\n\nTimeline:\n{_timeline}\nLast lines of every node's log:\n{cluster.LogTails(30)}\n\n{ex.StackTrace}");
        }
        // VILLAGES_KEEP_CLUSTER_LOGS=1 keeps the nodes' logs of a passing run too.
        if (Environment.GetEnvironmentVariable("VILLAGES_KEEP_CLUSTER_LOGS") is { Length: > 0 }) Step($"logs kept in {cluster.KeepLogs()}");
        output.WriteLine(_timeline.ToString());
    }

    private async Task RunAsync(ProcessCluster cluster)
    {
        var nodes = cluster.WebApis.Select(static n => n.Url).ToList();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var villages = PickVillages();
        var token = await TokenAsync(http, nodes[0], villages);
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);

        var tight = villages.Where(static (_, i) => i % 10 == 3).ToHashSet();
        await Parallel.ForEachAsync(villages, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (village, _) =>
        {
            var budget = tight.Contains(village) ? 1_500_000L : 5_000_000_000L;
            // As a real client: a 503 (the cluster settling just after its start) is asked again after
            // its Retry-After; the same programme again is a 200 that changes nothing.
            for (var attempt = 1; ; attempt++)
            {
                using var response = await http.PutAsJsonAsync(new Uri(nodes[(village.GetHashCode() + attempt) & 1], $"/api/villages/{village}/program"),
                    new { targetWorkers = 100, budgetAllocated = budget, coverageMonths = 12, fundingSource = "SD" });
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && attempt < 6)
                {
                    Step($"opening {village}: 503, asked again after its Retry-After");
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(2));
                    continue;
                }
                Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created || (attempt > 1 && response.StatusCode == System.Net.HttpStatusCode.OK),
                    $"Opening {village}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                break;
            }
        });
        Step($"programmes open in {villages.Count} villages ({tight.Count} with room for a few workers only)");

        var regions = villages.SelectMany(Ancestors).Distinct().ToList();
        var load = new EnrollmentLoad(nodes, token, villages, tight);
        var readers = new ProgressReaders(nodes, regions);
        load.Start(Clients);
        readers.Start();
        Step($"load: {Clients} clients through both WebApi nodes; progress of {regions.Count} regions read from both");
        await AcknowledgedAsync(load, DateTime.UtcNow, 100, "before any fault");

        var victim = cluster.Silos[1];
        await Task.Delay(TimeSpan.FromSeconds(5)); // a steady rate to compare with
        var killedAt = DateTime.UtcNow;
        victim.Kill();
        Step($"killed {victim.Name} (SIGKILL); {load.Acks.Count} acknowledged so far");
        await Task.Delay(TimeSpan.FromSeconds(12));
        Step(Recovery.Describe(load.Acks.Select(static a => a.At), killedAt));
        Step($"restarting {victim.Name}; {load.Acks.Count} acknowledged so far");
        await cluster.RestartAsync(victim);
        Step($"{victim.Name} ready again");
        await AcknowledgedAsync(load, DateTime.UtcNow, 100, $"after {victim.Name} came back");

        // Rollups that lived on the killed silo came back elsewhere: the nodes' figures follow at
        // once, not at their next subscription renewal (40 s).
        await load.PauseAsync();
        Step("load paused");
        await CheckRollupsAsync(http, nodes, await ReadVillagesAsync(http, nodes, villages), TimeSpan.FromSeconds(15));
        Step("every rollup equals the sum of its villages on both nodes");
        load.Resume();
        await Task.Delay(TimeSpan.FromSeconds(3));

        var unavailableBefore = Unavailable(load);
        await cluster.StopDatabaseAsync();
        Step($"PostgreSQL stopped; {load.Acks.Count} acknowledged so far");
        await Task.Delay(TimeSpan.FromSeconds(5));
        await cluster.StartDatabaseAsync();
        var back = DateTime.UtcNow;
        Step($"PostgreSQL started again; 503s during the outage: {Unavailable(load) - unavailableBefore}");
        await AcknowledgedAsync(load, back, 100, "after PostgreSQL came back");
        await Task.Delay(TimeSpan.FromSeconds(5));

        await load.StopAsync();
        await readers.StopAsync();
        Step($"load stopped: {load.Acks.Count} acknowledged; answers {string.Join(", ", load.Answers.OrderBy(static a => a.Key).Select(static a => $"{a.Key}: {a.Value}"))}; {readers.Reads} progress reads");

        Assert.True(Unavailable(load) > unavailableBefore, "The database outage produced no 503: was it an outage?");
        Assert.All(cluster.Nodes, n => Assert.True(n.IsRunning, $"{n.Name} is not running."));
        Assert.All(cluster.Nodes, n => Assert.Equal(n == victim ? 2 : 1, n.Starts));
        Assert.True(load.Violations.Count == 0, "Answers outside the contract:\n" + string.Join("\n", load.Violations.Take(30)));
        Assert.True(readers.Violations.Count == 0, "Progress reads outside the contract:\n" + string.Join("\n", readers.Violations.Take(30)));

        var ledger = await ReadVillagesAsync(http, nodes, villages);
        Step("villages read back");
        CheckLedger(load, ledger);
        await CheckRegistryAsync(cluster.ConnectionString, load, ledger);
        Step("every acknowledged enrolment present, budgets add up, no worker in two villages, the registry agrees");
        await CheckRollupsAsync(http, nodes, ledger, RollupDeadline);
        Step("every rollup equals the sum of its villages on both nodes");
    }

    private sealed record VillageLedger(string Code, long Allocated, long Committed, int Active, Dictionary<string, JsonElement> Enrollments);

    private static void CheckLedger(EnrollmentLoad load, IReadOnlyDictionary<string, VillageLedger> ledger)
    {
        var problems = new List<string>();
        foreach (var ack in load.Acks)
        {
            if (!ledger[ack.Village].Enrollments.TryGetValue(ack.EnrollmentId, out var stored)) problems.Add($"{ack.Village}: acknowledged enrolment {ack.EnrollmentId} ({ack.At:HH:mm:ss.fff}) is missing");
            else if (stored.GetProperty("status").GetString() != "active") problems.Add($"{ack.Village}: acknowledged enrolment {ack.EnrollmentId} is {stored.GetProperty("status")}");
        }
        foreach (var village in ledger.Values)
        {
            var active = village.Enrollments.Values.Where(static e => e.GetProperty("status").GetString() == "active").ToList();
            var sum = active.Sum(static e => e.GetProperty("commitment").GetInt64());
            if (sum != village.Committed) problems.Add($"{village.Code}: committed {village.Committed} but its enrolments' commitments sum to {sum}");
            if (village.Committed > village.Allocated) problems.Add($"{village.Code}: committed {village.Committed} exceeds the allocation {village.Allocated}");
            if (active.Count != village.Active) problems.Add($"{village.Code}: {village.Active} active enrolments reported, {active.Count} listed");
        }
        foreach (var (nik, sentTo) in load.Sent)
        {
            var holders = sentTo.Keys.Where(v => ledger[v].Enrollments.ContainsKey(TestSecrets.Keys.EnrollmentId(v, nik))).ToList();
            if (holders.Count > 1) problems.Add($"a worker ({Nik.Mask(nik)}) is enrolled in {string.Join(" and ", holders)}");
        }
        Assert.True(problems.Count == 0, $"{problems.Count} ledger problems:\n" + string.Join("\n", problems.Take(40)));
    }

    /// <summary>Every enrolment a village holds is the one the national registry names for that worker.</summary>
    private static async Task CheckRegistryAsync(string connectionString, EnrollmentLoad load, IReadOnlyDictionary<string, VillageLedger> ledger)
    {
        var registry = new Dictionary<string, string>(StringComparer.Ordinal);
        // Not from the pool: its connections died with the server's restart.
        await using (var connection = new NpgsqlConnection(connectionString + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT nik_key, village_code FROM nik_registry WHERE service_id = 'villages'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) registry[Base64Url.EncodeToString(reader.GetFieldValue<byte[]>(0))] = reader.GetString(1);
        }
        var problems = new List<string>();
        foreach (var (nik, sentTo) in load.Sent)
        {
            foreach (var village in sentTo.Keys.Where(v => ledger[v].Enrollments.ContainsKey(TestSecrets.Keys.EnrollmentId(v, nik))))
            {
                var holder = registry.GetValueOrDefault(TestSecrets.Keys.RegistryKey(nik));
                if (holder != village) problems.Add($"{village} holds a worker ({Nik.Mask(nik)}) the registry gives to {holder ?? "nobody"}");
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} registry problems:\n" + string.Join("\n", problems.Take(40)));
    }

    /// <summary>District, regency, province and nation, on both nodes, equal the sums of their villages once the figures have settled.</summary>
    private static async Task CheckRollupsAsync(HttpClient http, IReadOnlyList<Uri> nodes, IReadOnlyDictionary<string, VillageLedger> ledger, TimeSpan within)
    {
        var expected = ledger.Values
            .SelectMany(v => Ancestors(v.Code).Select(region => (region, v)))
            .GroupBy(static x => x.region, static x => x.v)
            .ToDictionary(static g => g.Key, static g => (Workers: g.Sum(static v => v.Active), Committed: g.Sum(static v => v.Committed),
                Allocated: g.Sum(static v => v.Allocated), WithProgram: g.Count()));
        var deadline = DateTime.UtcNow + within;
        List<string> differences;
        while (true)
        {
            differences = [];
            foreach (var node in nodes)
            {
                foreach (var (region, want) in expected)
                {
                    using var response = await http.GetAsync(new Uri(node, $"/api/progress/{region}"));
                    if (!response.IsSuccessStatusCode)
                    {
                        differences.Add($"{node} {region}: {(int)response.StatusCode}");
                        continue;
                    }
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    var totals = json.RootElement.GetProperty("totals");
                    var got = (Workers: totals.GetProperty("workersEnrolled").GetInt32(), Committed: totals.GetProperty("budgetCommitted").GetInt64(),
                        Allocated: totals.GetProperty("budgetAllocated").GetInt64(), WithProgram: totals.GetProperty("villagesWithProgram").GetInt32());
                    if (got != want) differences.Add($"{node} {region}: {got} but its villages sum to {want} (complete: {json.RootElement.GetProperty("complete")})");
                }
            }
            if (differences.Count == 0) return;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(500);
        }
        Assert.Fail($"{within.TotalSeconds:0} s after the load went quiet, rollups still differ from their villages (workers, committed, allocated, villages with a programme):\n" + string.Join("\n", differences));
    }

    private static async Task<Dictionary<string, VillageLedger>> ReadVillagesAsync(HttpClient http, IReadOnlyList<Uri> nodes, IReadOnlyList<string> villages)
    {
        var ledger = new Dictionary<string, VillageLedger>();
        foreach (var (code, i) in villages.Select(static (v, i) => (v, i)))
        {
            var node = nodes[i % nodes.Count];
            using var village = await GetJsonAsync(http, new Uri(node, $"/api/villages/{code}"));
            var program = village.RootElement.GetProperty("program");
            var enrollments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            for (var offset = 0; ; offset += 500)
            {
                using var page = await GetJsonAsync(http, new Uri(node, $"/api/villages/{code}/enrollments?offset={offset}&limit=500"));
                foreach (var item in page.RootElement.GetProperty("items").EnumerateArray()) enrollments[item.GetProperty("enrollmentId").GetString()!] = item.Clone();
                if (offset + 500 >= page.RootElement.GetProperty("total").GetInt32()) break;
            }
            ledger[code] = new VillageLedger(code, program.GetProperty("budgetAllocated").GetInt64(), program.GetProperty("budgetCommitted").GetInt64(),
                village.RootElement.GetProperty("activeEnrollments").GetInt32(), enrollments);
        }
        return ledger;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {uri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    /// <summary>An operator of exactly these villages: a token naming a wider region gives an operator nothing.</summary>
    private static async Task<string> TokenAsync(HttpClient http, Uri node, IReadOnlyList<string> villages)
    {
        using var response = await http.PostAsJsonAsync(new Uri(node, "/dev/tokens"),
            new { subject = "fault-test", roles = new[] { "village-operator" }, regions = villages });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /dev/tokens: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>50 desa: 30 across Kabupaten Banyuwangi's districts, 20 across Nusa Tenggara Barat.</summary>
    private static List<string> PickVillages()
    {
        static IEnumerable<string> Spread(string prefix, int count)
        {
            var desa = RegionCatalog.Default.AtLevel(RegionLevel.Village)
                .Where(v => v.Code.StartsWith(prefix, StringComparison.Ordinal) && v.Kind == VillageKind.Desa).Select(static v => v.Code).ToList();
            return Enumerable.Range(0, count).Select(i => desa[i * desa.Count / count]);
        }
        return [.. Spread("35.10.", 30), .. Spread("52.", 20)];
    }

    /// <summary>The district, regency, province and the nation a village belongs to.</summary>
    private static IEnumerable<string> Ancestors(string village)
    {
        for (var region = RegionCatalog.Default.Find(village)!.Parent; region is not null; region = region.Parent) yield return region.Code;
    }

    /// <summary>Until the load has had <paramref name="count"/> enrolments acknowledged since <paramref name="since"/>: the cluster serves.</summary>
    private async Task AcknowledgedAsync(EnrollmentLoad load, DateTime since, int count, string when)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (load.AcksSince(since) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Only {load.AcksSince(since)} enrolments were acknowledged within 60 s {when}: the cluster does not serve.");
            await Task.Delay(200);
        }
        Step($"{count} enrolments acknowledged {when}");
    }

    private static int Unavailable(EnrollmentLoad load) => load.Answers.Where(static a => a.Key.StartsWith("503", StringComparison.Ordinal)).Sum(static a => a.Value);

    private void Step(string what)
    {
        var line = $"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {DateTime.UtcNow:HH:mm:ss.fff} {what}";
        lock (_timeline) _timeline.AppendLine(line); // also called from the parallel opening of programmes
    }
}
