using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>Step 4 of a national run with --renew, as measured.</summary>
public sealed record RenewalSummary(
    int Year, int Villages, double ProgrammesSeconds, int ProgrammesOpened, double Seconds, long Renewed, long AlreadyRenewed, long HeldElsewhere,
    long OverBudget, long Refused, double RenewalsPerSecond, double P50Ms, double P99Ms, SortedDictionary<string, long> Statuses,
    string? FirstProblem, CpuSplit? Cpu, long NationalWorkersEnrolled);

/// <summary>
/// Step 4 with --renew: every village opens next year's programme, then renews its workers into it
/// (POST /api/villages/{code}/programs/{year}/renewals, no body: every worker of this year), by
/// --clients clients; a progress line every 10 s; the next year's national figures checked at the end.
/// </summary>
public static class NationalRenewals
{
    public static async Task<RenewalSummary> RunAsync(HttpClient http, HttpClient reads, Uri baseUrl, string[] villages, long budget, int workers,
        int parallelism, CpuSampler cpu, IReadOnlyList<int> pids, CancellationToken ct)
    {
        // Next budget year in WIB (UTC+7, no daylight saving), as the service counts it.
        var year = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).Year + 1;
        Console.WriteLine();
        Console.WriteLine($"4. Renewing the nation into {year}: its programme in {villages.Length:N0} villages, then every worker of each, {parallelism} villages at a time.");
        var setup = await NationalProgrammes.OpenAsync(http, baseUrl, villages, workers, budget, parallelism, cpu, pids, ct, year, "4a.");
        var opened = setup.Opened;
        var programmeSeconds = setup.Summary.Seconds;
        Console.WriteLine($"4b. Renewing every worker (POST /api/villages/{{code}}/programs/{year}/renewals, no body) in {opened.Length:N0} villages...");
        var latency = new LatencyRecorder();
        var tally = new RequestTally();
        long renewed = 0, already = 0, elsewhere = 0, overBudget = 0, refused = 0, done = 0;
        var clock = Stopwatch.StartNew();
        var first = cpu.Take();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ticker = Ticker.RunAsync(NationalBench.Every, stop.Token, (elapsed, interval) =>
        {
            var n = Interlocked.Read(ref renewed);
            Console.WriteLine($"  [{elapsed.TotalSeconds,5:0} s] {Interlocked.Read(ref done):N0}/{opened.Length:N0} villages, {n:N0} workers renewed, " +
                $"{n / elapsed.TotalSeconds:N0}/s; service RSS {ServiceProcesses.Bytes(ServiceProcesses.TotalRss(pids))}" +
                (interval is { } c ? "; " + CpuSampler.Describe(c).Replace("CPU in the window", "CPU last 10 s", StringComparison.Ordinal) : ""));
        }, cpu);
        try
        {
            await Parallel.ForEachAsync(opened, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (code, token) =>
            {
                var started = Stopwatch.GetTimestamp();
                await tally.SendAsync(code, () => http.PostAsync(new Uri(baseUrl, $"/api/villages/{code}/programs/{year}/renewals"), null, token), async response =>
                {
                    using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(token), cancellationToken: token);
                    var root = answer.RootElement;
                    Interlocked.Add(ref renewed, root.GetProperty("renewed").GetInt32());
                    Interlocked.Add(ref already, root.GetProperty("alreadyRenewed").GetInt32());
                    Interlocked.Add(ref elsewhere, root.GetProperty("heldElsewhere").GetInt32());
                    Interlocked.Add(ref overBudget, root.GetProperty("overBudget").GetInt32());
                    Interlocked.Add(ref refused, root.GetProperty("refused").GetInt32());
                    lock (latency) latency.RecordTicks(Stopwatch.GetTimestamp() - started);
                }, token);
                Interlocked.Increment(ref done);
            });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: report what was done
        }
        await stop.CancelAsync();
        await ticker;
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSplit = CpuSampler.Between(first, cpu.Take());
        var national = await NationalWorkersEnrolledAsync(reads, baseUrl, year, renewed, ct);
        var summary = new RenewalSummary(year, opened.Length, programmeSeconds, opened.Length, seconds, renewed, already, elsewhere, overBudget, refused,
            renewed / seconds, latency.PercentileMs(50), latency.PercentileMs(99), tally.Statuses, tally.FirstProblem, cpuSplit, national);
        Console.WriteLine($"  {renewed:N0} workers renewed in {seconds:0.0} s = {summary.RenewalsPerSecond:N0}/s (request per village p50 {summary.P50Ms:0} ms, p99 {summary.P99Ms:0} ms); " +
            $"already {already:N0}, held elsewhere {elsewhere:N0}, over budget {overBudget:N0}, refused {refused:N0}; statuses: {tally.Describe()}");
        Console.WriteLine($"  programmes and renewals together: {(programmeSeconds + seconds) / 60:0.0} min (goal: 10 min for the nation)");
        if (cpuSplit is not null) Console.WriteLine($"  {CpuSampler.Describe(cpuSplit)}");
        if (tally.FirstProblem is not null) Console.WriteLine($"  first problem: {tally.FirstProblem}");
        Console.WriteLine($"  national figures: {year} workersEnrolled {national:N0} {(national == renewed ? "= the workers renewed" : $"!= {renewed:N0} renewed (the figures may still be settling)")}");
        return summary;
    }

    /// <summary>The nation's workers enrolled into the year's programmes, once it stops moving (rollups settle in about a second).</summary>
    private static async Task<long> NationalWorkersEnrolledAsync(HttpClient reads, Uri baseUrl, int year, long expected, CancellationToken ct)
    {
        long last = -1;
        for (var attempt = 0; attempt < 30; attempt++)
        {
            using var progress = JsonDocument.Parse(await reads.GetStringAsync(new Uri(baseUrl, "/api/progress"), ct));
            var years = progress.RootElement.GetProperty("totals").GetProperty("years");
            last = years.TryGetProperty(year.ToString(CultureInfo.InvariantCulture), out var y) ? y.GetProperty("workersEnrolled").GetInt64() : 0;
            if (last >= expected) break;
            await Task.Delay(1000, ct);
        }
        return last;
    }
}
