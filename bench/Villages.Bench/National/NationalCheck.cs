using System.Diagnostics;
using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>Step 3 of a national run: the national figures (GET /api/progress) against the created rows.</summary>
public sealed record NationalCheck(double WaitedSeconds, bool Matched, NationalTotals Before, NationalTotals After, long CreatedRows,
    long ExpectedVillagesWithProgram, long ExpectedBudgetCommitted, long ExpectedVillagesAtTarget)
{
    public static async Task<NationalCheck> ReadAsync(HttpClient reads, Uri baseUrl, NationalTotals before, long createdRows, NationalProgrammes.Setup setup, EnrolmentPlan plan, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine("3. Checking the national figures (GET /api/progress) against the created rows...");
        var clock = Stopwatch.StartNew();
        NationalTotals now;
        while (true)
        {
            now = await NationalTotals.ReadAsync(reads, baseUrl, ct);
            if (now.WorkersEnrolled - before.WorkersEnrolled == createdRows || clock.Elapsed > TimeSpan.FromSeconds(15)) break;
            await Task.Delay(250, ct);
        }
        var matched = now.WorkersEnrolled - before.WorkersEnrolled == createdRows;
        // Every created row commits one default premium; a village is at its target (= --workers) when all its workers were created.
        return new NationalCheck(clock.Elapsed.TotalSeconds, matched, before, now, createdRows, setup.Summary.Created,
            createdRows * BenchOptions.PremiumPerWorker, createdRows == plan.Enrolments ? plan.Villages.Length : -1);
    }
}
