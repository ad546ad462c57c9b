using System.Diagnostics;
using System.Globalization;
using Villages.Bench.Shared;

namespace Villages.Bench.Single;

/// <summary>What the readers measured on one progress endpoint during a round's window. Latencies are of 200 answers only.</summary>
public sealed record ReadResult(
    string Endpoint, string Path, int Readers, double Seconds, long Reads, double ReadsPerSecond,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs, long MeanBytes,
    SortedDictionary<string, long> Statuses, SortedDictionary<string, string> FirstProblems, long Discarded, double PacedRate = 0);

/// <summary>
/// R reader clients on the live-progress reads, GET /api/progress (the nation) and
/// GET /api/progress/{province}, each reader alternating the two (reader i starts with endpoint i mod 2,
/// so at any moment about half the readers are on each). They run exactly during the measured window:
/// they start at its start and a read counts if it finished inside it. The readers use their own
/// HttpClient (its own connections), so they never queue behind the enrolment clients in a connection pool.
/// <para>
/// Paced (a rate given): together they send that many reads a second, on a fixed schedule, and a read's
/// latency runs from the moment it was due, not from when a late reader got to send it, so a stall
/// counts against every read it held back (no coordinated omission). Closed loop (no rate): each reads
/// as fast as it is answered, latency from send to last body byte; the reads then take whatever CPU
/// the service gives them, from the enrolments they run beside.
/// </para>
/// </summary>
public static class ProgressReaders
{
    public static async Task<ReadResult[]> RunAsync(HttpClient http, Uri baseUrl, string province, int readers, double ratePerSecond, MeasureWindow window, CancellationToken ct)
    {
        var endpoints = new[]
        {
            ("nation", "/api/progress"),
            ("province", $"/api/progress/{province}"),
        };
        var targets = endpoints.Select(e => new Uri(baseUrl, e.Item2)).ToArray();
        await MeasureWindow.DelayUntilAsync(window.Start, ct);
        // Paced: each reader's reads are readers/rate seconds apart, the readers staggered across that interval.
        var interval = ratePerSecond > 0 ? (long)(Stopwatch.Frequency * readers / ratePerSecond) : 0;
        var loops = Enumerable.Range(0, readers)
            .Select(i => Task.Run(() => ReaderLoopAsync(http, targets, i % 2, window, interval, window.Start + interval * i / readers, ct), ct)).ToArray();
        var stats = await Task.WhenAll(loops);

        return [.. endpoints.Select((e, n) =>
        {
            var latency = new LatencyRecorder();
            var statuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var problems = new SortedDictionary<string, string>(StringComparer.Ordinal);
            long bytes = 0, discarded = 0;
            foreach (var s in stats.Select(s => s[n]))
            {
                latency.Add(s.Latency);
                foreach (var (k, v) in s.Statuses) statuses[k] = statuses.GetValueOrDefault(k) + v;
                foreach (var (k, v) in s.FirstProblems) problems.TryAdd(k, v);
                bytes += s.Bytes;
                discarded += s.Discarded;
            }
            var ok = statuses.GetValueOrDefault("200");
            return new ReadResult(e.Item1, e.Item2, readers, window.Seconds, ok, ok / window.Seconds,
                latency.PercentileMs(50), latency.PercentileMs(90), latency.PercentileMs(99), latency.MaxMs, latency.MeanMs,
                ok == 0 ? 0 : bytes / ok, statuses, problems, discarded, ratePerSecond);
        })];
    }

    private static async Task<EndpointStats[]> ReaderLoopAsync(HttpClient http, Uri[] targets, int first, MeasureWindow window, long interval, long due, CancellationToken ct)
    {
        var stats = targets.Select(_ => new EndpointStats()).ToArray();
        for (var n = first; !ct.IsCancellationRequested; n = (n + 1) % targets.Length)
        {
            var t0 = Stopwatch.GetTimestamp();
            if (interval > 0)
            {
                if (due >= window.End) break;
                if (due > t0) await Task.Delay(Stopwatch.GetElapsedTime(t0, due), ct);
                t0 = due; // a late read is timed from when it was due
                due += interval;
            }
            if (t0 >= window.End) break;
            var s = stats[n];
            string key;
            string? problem = null;
            long length = 0;
            try
            {
                using var response = await http.GetAsync(targets[n], ct);   // reads the whole body
                var status = (int)response.StatusCode;
                key = status.ToString(CultureInfo.InvariantCulture);
                if (status == 200) length = response.Content.Headers.ContentLength ?? (await response.Content.ReadAsByteArrayAsync(ct)).Length;
                else if (!s.FirstProblems.ContainsKey(key)) problem = await response.Content.ReadAsStringAsync(ct);
            }
            catch (HttpRequestException ex) { key = $"error:{ex.HttpRequestError}"; problem = ex.Message; }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { key = "timeout"; problem = "HttpClient timeout"; }
            catch (OperationCanceledException) { break; }
            var t1 = Stopwatch.GetTimestamp();

            if (t1 <= window.End)
            {
                s.Statuses[key] = s.Statuses.GetValueOrDefault(key) + 1;
                if (key == "200")
                {
                    s.Latency.RecordTicks(t1 - t0);
                    s.Bytes += length;
                }
            }
            else
            {
                s.Discarded++;   // straddles the end of the window
            }
            if (problem is not null) s.FirstProblems.TryAdd(key, BenchText.Truncate(problem));
        }
        return stats;
    }

    private sealed class EndpointStats
    {
        public readonly LatencyRecorder Latency = new();
        public readonly Dictionary<string, long> Statuses = new(StringComparer.Ordinal);
        public readonly Dictionary<string, string> FirstProblems = new(StringComparer.Ordinal);
        public long Bytes;
        public long Discarded;
    }
}
