using System.Diagnostics;
using System.Globalization;
using System.Text;
using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>Step 1 of a national run, as measured: how many programmes opened, how fast, and the answers.</summary>
public sealed record SetupSummary(int Villages, int Created, int Changed, double Seconds, double PerSecond,
    SortedDictionary<string, long> Statuses, string? FirstProblem, CpuSplit? Cpu);

/// <summary>
/// Step 1 of a national run: a programme in every village, PUT /api/villages/{code}/program (this
/// year's; with a year, .../programs/{year}), with a progress line every 10 s.
/// </summary>
public static class NationalProgrammes
{
    /// <summary>The villages whose programme is open (the only ones enrolled into), and the figures.</summary>
    public sealed record Setup(string[] Opened, SetupSummary Summary);

    public static async Task<Setup> OpenAsync(HttpClient http, Uri baseUrl, string[] codes, int workers, long budget,
        int parallelism, CpuSampler cpu, IReadOnlyList<int> pids, CancellationToken ct, int? year = null, string step = "1.")
    {
        // No fundingSource: the service picks SD for a desa and SA for a kelurahan.
        var body = Encoding.UTF8.GetBytes($$"""{"targetWorkers":{{workers}},"budgetAllocated":{{budget}}}""");
        var tally = new RequestTally();
        var ok = new bool[codes.Length];
        var path = year is { } y ? $"programs/{y}" : "program";
        long done = 0, created = 0, changed = 0;
        Console.WriteLine();
        Console.WriteLine($"{step} Opening programmes (PUT /api/villages/{{code}}/{path}, budget Rp{budget:N0}, target {workers}) in {codes.Length:N0} villages, {parallelism} at a time...");
        var clock = Stopwatch.StartNew();
        var first = cpu.Take();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ticker = Ticker.RunAsync(NationalBench.Every, stop.Token, (elapsed, interval) =>
        {
            var n = Interlocked.Read(ref done);
            Console.WriteLine($"  [{elapsed.TotalSeconds,5:0} s] {n:N0}/{codes.Length:N0} programmes ({n * 100.0 / codes.Length:0.0}%), " +
                $"{n / elapsed.TotalSeconds:N0}/s; service RSS {ServiceProcesses.Bytes(ServiceProcesses.TotalRss(pids))}" +
                (interval is { } c ? "; " + CpuSampler.Describe(c).Replace("CPU in the window", "CPU last 10 s", StringComparison.Ordinal) : ""));
        }, cpu);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, codes.Length), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (i, token) =>
            {
                await tally.SendAsync(codes[i], async () =>
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = NationalBench.JsonType;
                    return await http.PutAsync(new Uri(baseUrl, $"/api/villages/{codes[i]}/{path}"), content, token);
                }, response =>
                {
                    ok[i] = true;
                    Interlocked.Increment(ref response.StatusCode == System.Net.HttpStatusCode.Created ? ref created : ref changed);
                    return Task.CompletedTask;
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
        var summary = new SetupSummary(codes.Length, (int)created, (int)changed, seconds, (created + changed) / seconds, tally.Statuses, tally.FirstProblem,
            CpuSampler.Between(first, cpu.Take()));
        Console.WriteLine($"  {created + changed:N0}/{codes.Length:N0} programmes open ({created:N0} new, {changed:N0} changed) in {seconds:0.0} s = {summary.PerSecond:N0}/s; " +
            $"statuses: {tally.Describe()}");
        if (tally.FirstProblem is not null) Console.WriteLine($"  first problem: {tally.FirstProblem}");
        return new Setup([.. codes.Where((_, i) => ok[i])], summary);
    }
}
