using System.Diagnostics;
using System.Globalization;
using System.Text;
using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>Step 1 of a national run, as measured: how many programmes opened, how fast, and the answers.</summary>
public sealed record SetupSummary(int Villages, int Created, int Changed, double Seconds, double PerSecond,
    SortedDictionary<string, long> Statuses, string? FirstProblem, CpuSplit? Cpu);

/// <summary>Step 1 of a national run: a programme in every village, PUT /api/villages/{code}/program, with a progress line every 10 s.</summary>
public static class NationalProgrammes
{
    /// <summary>The villages whose programme is open (the only ones enrolled into), and the figures.</summary>
    public sealed record Setup(string[] Opened, SetupSummary Summary);

    public static async Task<Setup> OpenAsync(HttpClient http, Uri baseUrl, string[] codes, int workers, long budget,
        int parallelism, CpuSampler cpu, IReadOnlyList<int> pids, CancellationToken ct)
    {
        // No fundingSource: the service picks SD for a desa and SA for a kelurahan.
        var body = Encoding.UTF8.GetBytes($$"""{"targetWorkers":{{workers}},"budgetAllocated":{{budget}}}""");
        var statuses = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var ok = new bool[codes.Length];
        string? firstProblem = null;
        long done = 0, created = 0, changed = 0;
        Console.WriteLine();
        Console.WriteLine($"1. Opening programmes (PUT /api/villages/{{code}}/program, budget Rp{budget:N0}, target {workers}) in {codes.Length:N0} villages, {parallelism} at a time...");
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
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = NationalBench.JsonType;
                string key;
                try
                {
                    using var response = await http.PutAsync(new Uri(baseUrl, $"/api/villages/{codes[i]}/program"), content, token);
                    var status = (int)response.StatusCode;
                    key = status.ToString(CultureInfo.InvariantCulture);
                    if (status is 200 or 201)
                    {
                        ok[i] = true;
                        if (status == 201) Interlocked.Increment(ref created);
                        else Interlocked.Increment(ref changed);
                    }
                    else if (firstProblem is null)
                    {
                        var text = await response.Content.ReadAsStringAsync(token);
                        Interlocked.CompareExchange(ref firstProblem, $"{status} for {codes[i]}: {BenchText.Truncate(text)}", null);
                    }
                }
                catch (HttpRequestException ex) { key = $"error:{ex.HttpRequestError}"; Interlocked.CompareExchange(ref firstProblem, $"{key} for {codes[i]}: {ex.Message}", null); }
                catch (TaskCanceledException) when (!token.IsCancellationRequested) { key = "timeout"; }
                lock (statuses) statuses[key] = statuses.GetValueOrDefault(key) + 1;
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
        var summary = new SetupSummary(codes.Length, (int)created, (int)changed, seconds, (created + changed) / seconds, statuses, firstProblem,
            CpuSampler.Between(first, cpu.Take()));
        Console.WriteLine($"  {created + changed:N0}/{codes.Length:N0} programmes open ({created:N0} new, {changed:N0} changed) in {seconds:0.0} s = {summary.PerSecond:N0}/s; " +
            $"statuses: {string.Join(", ", statuses.Select(s => $"{s.Key} x{s.Value:N0}"))}");
        if (firstProblem is not null) Console.WriteLine($"  first problem: {firstProblem}");
        return new Setup([.. codes.Where((_, i) => ok[i])], summary);
    }
}
