using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>Step 2 of a national run, as measured: rows created, throughput, latency per batch, problems by kind, CPU and the 10 s lines.</summary>
public sealed record EnrolSummary(
    long Enrolments, long Requests, long RequestsDone, long CreatedRows, long FullBatches, double Seconds, double PerSecond,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs,
    SortedDictionary<string, long> NonCreatedRows, SortedDictionary<string, string> FirstRowProblems,
    SortedDictionary<string, long> Non200, SortedDictionary<string, string> FirstNon200, CpuSplit? Cpu,
    List<IntervalLine> Intervals);

/// <summary>One progress line: at <paramref name="Seconds"/> since the first batch.</summary>
public sealed record IntervalLine(double Seconds, long CreatedRows, double PerSecondInterval, double PerSecondOverall,
    double P50Ms, double P99Ms, double IntervalP50Ms, double IntervalP99Ms, long ServiceRssBytes, CpuSplit? Cpu);

/// <summary>
/// Step 2 of a national run: --clients loops, each taking the next request of the plan, POST
/// /api/villages/{code}/enrollments/batch, and counting its answer; a progress line every 10 s.
/// </summary>
public static class BatchLoad
{
    /// <summary>What step 2 hands back: its figures, the rows created, and the largest summed service RSS seen.</summary>
    public sealed record Enrol(EnrolSummary Summary, long CreatedRows, long PeakRssBytes);

    private sealed class Tally
    {
        public readonly Lock Gate = new();
        public readonly LatencyRecorder All = new();
        public LatencyRecorder Interval = new();
        public readonly SortedDictionary<string, long> Rows = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, string> FirstRow = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, long> Statuses = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, string> FirstStatus = new(StringComparer.Ordinal);
        public long Next;
        public long Done;
        public long CreatedRows;
        public long FullBatches;

        public void Answered(long ticks, int status, int created, bool full)
        {
            Interlocked.Add(ref CreatedRows, created);
            if (full) Interlocked.Increment(ref FullBatches);
            if (status == 200)
            {
                lock (Gate)
                {
                    All.RecordTicks(ticks);
                    Interval.RecordTicks(ticks);
                }
            }
            Interlocked.Increment(ref Done);
        }

        public void Problem(SortedDictionary<string, long> counts, SortedDictionary<string, string> first, string key, long n, string? body)
        {
            lock (Gate)
            {
                counts[key] = counts.GetValueOrDefault(key) + n;
                if (body is not null) first.TryAdd(key, BenchText.Truncate(body, 500));
            }
        }
    }

    public static async Task<Enrol> RunAsync(HttpClient http, Uri baseUrl, EnrolmentPlan plan, int clients, CpuSampler cpu, IReadOnlyList<int> pids, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine($"2. Enrolling {plan.Enrolments:N0} workers: {plan.Requests:N0} x POST /api/villages/{{code}}/enrollments/batch of up to {plan.Batch}, {clients} clients...");
        var targets = plan.Villages.Select(code => new Uri(baseUrl, $"/api/villages/{code}/enrollments/batch")).ToArray();
        var tally = new Tally();
        var intervals = new List<IntervalLine>();
        long peakRss = 0, lastCreated = 0;
        var clock = Stopwatch.StartNew();
        var first = cpu.Take();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ticker = Ticker.RunAsync(NationalBench.Every, stop.Token, (elapsed, interval) =>
        {
            var created = Interlocked.Read(ref tally.CreatedRows);
            double p50, p99, ip50, ip99;
            lock (tally.Gate)
            {
                (p50, p99) = (tally.All.PercentileMs(50), tally.All.PercentileMs(99));
                (ip50, ip99) = (tally.Interval.PercentileMs(50), tally.Interval.PercentileMs(99));
                tally.Interval = new LatencyRecorder();
            }
            var rss = ServiceProcesses.TotalRss(pids);
            peakRss = Math.Max(peakRss, rss);
            var line = new IntervalLine(Math.Round(elapsed.TotalSeconds, 1), created, (created - lastCreated) / NationalBench.Every.TotalSeconds, created / elapsed.TotalSeconds,
                p50, p99, ip50, ip99, rss, interval);
            lastCreated = created;
            intervals.Add(line);
            Console.WriteLine($"  [{elapsed.TotalSeconds,5:0} s] {created:N0} enrolled ({created * 100.0 / plan.Enrolments:0.0}%); " +
                $"{line.PerSecondInterval:N0}/s last 10 s, {line.PerSecondOverall:N0}/s overall; batch ms p50 {p50:0} p99 {p99:0} so far " +
                $"(last 10 s {ip50:0}/{ip99:0}); RSS {ServiceProcesses.Bytes(rss)}" +
                (interval is { } c ? $"; CPU % service {c.Service:0} postgres {c.Postgres:0} bench {c.Bench:0} other {c.Other:0} idle {c.Idle:0}" : ""));
        }, cpu);
        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(http, targets, plan, tally, ct), CancellationToken.None)).ToArray();
        await Task.WhenAll(loops);
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await ticker;
        peakRss = Math.Max(peakRss, ServiceProcesses.TotalRss(pids));

        var all = tally.All;
        var summary = new EnrolSummary(plan.Enrolments, plan.Requests, tally.Done, tally.CreatedRows, tally.FullBatches, seconds, tally.CreatedRows / seconds,
            all.PercentileMs(50), all.PercentileMs(90), all.PercentileMs(99), all.MaxMs, all.MeanMs,
            tally.Rows, tally.FirstRow, tally.Statuses, tally.FirstStatus, CpuSampler.Between(first, cpu.Take()), intervals);
        return new Enrol(summary, tally.CreatedRows, peakRss);
    }

    private static async Task ClientAsync(HttpClient http, Uri[] targets, EnrolmentPlan plan, Tally tally, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(plan.Batch * 160);
        using var json = new Utf8JsonWriter(body);
        var buffer = new byte[64 * 1024];
        while (!ct.IsCancellationRequested)
        {
            var k = Interlocked.Increment(ref tally.Next) - 1;
            if (k >= plan.Requests) break;
            var (village, from, count) = plan.Request(k);
            body.ResetWrittenCount();
            json.Reset(body);
            plan.WriteBody(json, village, from, count);

            using var request = new HttpRequestMessage(HttpMethod.Post, targets[village]) { Content = new ReadOnlyMemoryContent(body.WrittenMemory) };
            request.Content.Headers.ContentType = NationalBench.JsonType;
            var t0 = Stopwatch.GetTimestamp();
            int status;
            var length = 0;
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                status = (int)response.StatusCode;
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                while (true)
                {
                    if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
                    if (read == 0) break;
                    length += read;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                var key = ex switch { HttpRequestException h => $"error:{h.HttpRequestError}", TaskCanceledException => "timeout", _ => "error:io" };
                tally.Problem(tally.Statuses, tally.FirstStatus, key, 1, ex.Message);
                tally.Answered(Stopwatch.GetTimestamp() - t0, 0, 0, false);
                continue;
            }
            Record(tally, buffer.AsSpan(0, length), status, Stopwatch.GetTimestamp() - t0, count);
        }
    }

    /// <summary>Counts one answer: a 200 with its rows created or not (by kind), or another status.</summary>
    private static void Record(Tally tally, ReadOnlySpan<byte> answer, int status, long ticks, int sent)
    {
        if (status != 200)
        {
            tally.Problem(tally.Statuses, tally.FirstStatus, status.ToString(CultureInfo.InvariantCulture), 1, Encoding.UTF8.GetString(answer));
            tally.Answered(ticks, status, 0, false);
            return;
        }
        if (BatchAnswer.Counts(answer) is not { } counts)
        {
            tally.Problem(tally.Statuses, tally.FirstStatus, "200 unreadable", 1, Encoding.UTF8.GetString(answer));
            tally.Answered(ticks, status, 0, false);
            return;
        }
        var full = counts.Created == sent && counts.Rows == sent;
        if (!full)
        {
            foreach (var (kind, n, example) in BatchAnswer.NotCreated(answer, sent)) tally.Problem(tally.Rows, tally.FirstRow, kind, n, example);
        }
        tally.Answered(ticks, status, counts.Created, full);
    }
}
