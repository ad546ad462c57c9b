using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Villages.Bench.Shared;

namespace Villages.Bench.Single;

/// <summary>What one load round measured. Latencies are of 201 answers only.</summary>
public sealed record RoundResult(
    int Clients, int Villages, double WarmupSeconds, double Seconds, long Created, long Requests,
    double CreatedPerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs,
    SortedDictionary<string, long> Statuses, SortedDictionary<string, string> FirstProblems,
    long WarmupRequests, long WarmupNon201, long Discarded, bool CapacityExceeded)
{
    public CpuSplit? Cpu { get; set; }

    /// <summary>Bytes the service allocated in the window per 201 (readers' answers included), from its /metrics.</summary>
    public double? AllocatedPerEnrolment { get; set; }

    /// <summary>The province whose progress the readers read (the one with the most of the round's villages).</summary>
    public string? Province { get; set; }

    /// <summary>The progress readers' figures per endpoint (nation, province), in the same window; null without readers.</summary>
    public ReadResult[]? Reads { get; set; }

    /// <summary>201 -> national figures, for the enrolments acknowledged in the window; null when not sampled.</summary>
    public StalenessResult? Staleness { get; set; }
}

/// <summary>
/// N clients, each a loop of POST /api/villages/{code}/enrollments with a fresh NIK, over one shared
/// HttpClient. A request counts if it started after the warm-up and finished inside the window;
/// the villages are used round-robin so none gets more workers than its budget pays for. When asked,
/// the moment each 201 reached its client (warm-up and straddling ones included) is handed back: the
/// staleness measurement compares them with the national count.
/// </summary>
public static class LoadRunner
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static async Task<RoundResult> RunAsync(
        HttpClient http, Uri baseUrl, IReadOnlyList<string> villages, int workersPerVillage, NikFactory niks,
        int clients, MeasureWindow window, List<long>? acks, CancellationToken ct)
    {
        var targets = villages.Select(code => new Uri(baseUrl, $"/api/villages/{code}/enrollments")).ToArray();
        var shared = new Shared(targets, (long)villages.Count * workersPerVillage, niks)
        {
            MeasureStart = window.Start,
            MeasureEnd = window.End,
        };

        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientLoopAsync(http, shared, ct), ct)).ToArray();
        var stats = await Task.WhenAll(loops);

        var latency = new LatencyRecorder();
        var statuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var problems = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long warmupRequests = 0, warmupNon201 = 0, discarded = 0;
        foreach (var s in stats)
        {
            latency.Add(s.Latency);
            foreach (var (k, v) in s.Statuses) statuses[k] = statuses.GetValueOrDefault(k) + v;
            foreach (var (k, v) in s.FirstProblems) problems.TryAdd(k, v);
            warmupRequests += s.WarmupRequests;
            warmupNon201 += s.WarmupNon201;
            discarded += s.Discarded;
            acks?.AddRange(s.Acks);
        }

        var created = statuses.GetValueOrDefault("201");
        var seconds = window.Seconds;
        return new RoundResult(clients, villages.Count, window.WarmupSeconds, seconds, created, statuses.Values.Sum(),
            created / seconds, latency.PercentileMs(50), latency.PercentileMs(90), latency.PercentileMs(99), latency.MaxMs, latency.MeanMs,
            statuses, problems, warmupRequests, warmupNon201, discarded, Interlocked.Read(ref shared.Next) > shared.Capacity);
    }

    private static async Task<ClientStats> ClientLoopAsync(HttpClient http, Shared shared, CancellationToken ct)
    {
        var stats = new ClientStats();
        while (!ct.IsCancellationRequested)
        {
            var t0 = Stopwatch.GetTimestamp();
            if (t0 >= shared.MeasureEnd) break;
            var i = Interlocked.Increment(ref shared.Next) - 1;
            var target = shared.Targets[i % shared.Targets.Length];
            var nik = shared.Niks.Next();
            var body = Encoding.UTF8.GetBytes(
                $$"""{"nik":"{{nik}}","name":"Pekerja {{i.ToString(CultureInfo.InvariantCulture)}}","occupation":"nelayan","monthlyIncome":1000000,"programs":["JKK","JKM"]}""");
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;

            string key;
            string? problem = null;
            try
            {
                // The default completion option reads the whole body before returning.
                using var response = await http.PostAsync(target, content, ct);
                var status = (int)response.StatusCode;
                key = status.ToString(CultureInfo.InvariantCulture);
                if (status != 201 && !stats.FirstProblems.ContainsKey(key))
                {
                    problem = await response.Content.ReadAsStringAsync(ct);
                }
            }
            catch (HttpRequestException ex) { key = $"error:{ex.HttpRequestError}"; problem = ex.Message; }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { key = "timeout"; problem = "HttpClient timeout"; }
            catch (OperationCanceledException) { break; }
            var t1 = Stopwatch.GetTimestamp();
            if (key == "201") stats.Acks.Add(t1);

            if (t0 < shared.MeasureStart)
            {
                stats.WarmupRequests++;
                if (key != "201") stats.WarmupNon201++;
            }
            else if (t1 <= shared.MeasureEnd)
            {
                stats.Statuses[key] = stats.Statuses.GetValueOrDefault(key) + 1;
                if (key == "201") stats.Latency.RecordTicks(t1 - t0);
            }
            else
            {
                stats.Discarded++;   // straddles the end of the window
            }
            if (problem is not null) stats.FirstProblems.TryAdd(key, BenchText.Truncate(problem));
        }
        return stats;
    }

    private sealed class Shared(Uri[] targets, long capacity, NikFactory niks)
    {
        public readonly Uri[] Targets = targets;
        public readonly long Capacity = capacity;
        public readonly NikFactory Niks = niks;
        public long MeasureStart;
        public long MeasureEnd;
        public long Next;
    }

    private sealed class ClientStats
    {
        public readonly LatencyRecorder Latency = new();
        public readonly Dictionary<string, long> Statuses = new(StringComparer.Ordinal);
        public readonly Dictionary<string, string> FirstProblems = new(StringComparer.Ordinal);
        public long WarmupRequests;
        public long WarmupNon201;
        public long Discarded;
        public readonly List<long> Acks = new(4096);
    }
}
