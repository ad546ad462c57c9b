using Villages.Bench.Shared;

namespace Villages.Bench.National;

/// <summary>The end of a national run: its figures, printed.</summary>
public static class NationalReport
{
    public static void Print(NationalResult r)
    {
        var s = r.Setup;
        var e = r.Enrolment;
        Console.WriteLine();
        Console.WriteLine($"National run{(r.Cancelled ? " (CANCELLED: partial figures)" : "")}: {r.Villages:N0} villages x {r.Workers} workers, batches of {r.Batch}, {r.Clients} clients; {r.Target}");
        Console.WriteLine($"  programmes: {s.Created + s.Changed:N0}/{s.Villages:N0} open in {s.Seconds:0.0} s = {s.PerSecond:N0}/s" +
            (s.Cpu is { } sc ? $"; CPU % service {sc.Service:0} postgres {sc.Postgres:0} bench {sc.Bench:0} other {sc.Other:0} idle {sc.Idle:0}" : ""));
        Console.WriteLine($"  enrolments: {e.CreatedRows:N0} of {e.Enrolments:N0} created, durable (rows created in batches answered 200; {e.FullBatches:N0} of {e.Requests:N0} batches with every row created)");
        Console.WriteLine($"  enrolment time {e.Seconds:0.0} s = {e.PerSecond:N0} enrolments/s overall; total with the programmes {r.TotalSeconds:0.0} s");
        Console.WriteLine($"  per batch request (200 answers, send to last byte, {e.RequestsDone:N0} requests): ms p50 {e.P50Ms:0.0}  p90 {e.P90Ms:0.0}  p99 {e.P99Ms:0.0}  max {e.MaxMs:0.0}  mean {e.MeanMs:0.0}");
        Console.WriteLine(e.NonCreatedRows.Count == 0 ? "  rows not created: none" : $"  rows not created: {string.Join(", ", e.NonCreatedRows.Select(x => $"{x.Key} x{x.Value:N0}"))}");
        foreach (var (kind, body) in e.FirstRowProblems) Console.WriteLine($"    first {kind}: {body}");
        Console.WriteLine(e.Non200.Count == 0 ? "  answers other than 200: none" : $"  answers other than 200: {string.Join(", ", e.Non200.Select(x => $"{x.Key} x{x.Value:N0}"))}");
        foreach (var (kind, body) in e.FirstNon200) Console.WriteLine($"    first {kind}: {body}");
        if (e.Cpu is { } c)
        {
            Console.WriteLine("  " + CpuSampler.Describe(c).Replace("in the window", "over the enrolments", StringComparison.Ordinal));
            if (CpuCost(c, e.Seconds, e.CreatedRows) is { } cost)
            {
                Console.WriteLine($"  CPU per 1,000 enrolments (core-seconds): service {cost.Service:0.000}, postgres {cost.Postgres:0.000}, bench {cost.Bench:0.000}; " +
                    $"with the {c.Cores} cores to themselves, about {cost.IdleMachineRate:N0} enrolments/s (an estimate: CPU-bound, same mix)");
            }
            if (c.Other >= 20) Console.WriteLine($"  NOTE: other processes used {c.Other:0}% of a core on average: the machine was shared and the rates above are low by about that much.");
        }
        if (s.Cpu is { } sc2 && CpuCost(sc2, s.Seconds, s.Created + s.Changed) is { } pc)
        {
            Console.WriteLine($"  CPU per programme opened (ms): service {pc.Service:0.0}, postgres {pc.Postgres:0.0}, bench {pc.Bench:0.0}; " +
                $"with the {sc2.Cores} cores to themselves, about {pc.IdleMachineRate:N0} programmes/s");
        }
        Console.WriteLine(r.Memory.Count == 0 ? "  service memory: not measured"
            : $"  service memory: RSS {ServiceProcesses.Bytes(r.Memory.Sum(m => m.RssBytes))} at the end (largest sum seen {ServiceProcesses.Bytes(r.PeakRssBytes)}): " +
              string.Join(", ", r.Memory.Select(m => $"{m.Name} pid {m.Pid} RSS {ServiceProcesses.Bytes(m.RssBytes)}, peak {ServiceProcesses.Bytes(m.PeakRssBytes)}")));
        Console.WriteLine($"  memory per 10,000 active villages, programmes open: {ActivationMemory.PerTenThousand(r.IdleMemory, r.ProgrammesMemory)}");
        Console.WriteLine($"  memory per 10,000 active villages at the end (idle ones deactivate): {ActivationMemory.PerTenThousand(r.IdleMemory, r.EnrolledMemory)}");
        if (r.Database is { } d)
        {
            Console.WriteLine($"  database: {ServiceProcesses.Bytes(d.Database)} (orleansstorage {ServiceProcesses.Bytes(d.OrleansStorage)} in {d.StorageRows:N0} rows, " +
                $"nik_registry {ServiceProcesses.Bytes(d.NikRegistry)} in {d.RegistryRows:N0} rows)" +
                (e.CreatedRows > 0 ? $"; {d.Database / (double)e.CreatedRows:N0} bytes per enrolment" : "") +
                (d.Wal is { } wal ? $"; WAL directory {ServiceProcesses.Bytes(wal)}" : ""));
        }
        else Console.WriteLine($"  database: not measured{(r.DatabaseProblem is null ? " (no connection string)" : $" ({r.DatabaseProblem})")}");
        if (r.Check is { } k)
        {
            var enrolled = k.After.WorkersEnrolled - k.Before.WorkersEnrolled;
            Console.WriteLine($"  national figures: totals.workersEnrolled {k.After.WorkersEnrolled:N0}" + (k.Before.WorkersEnrolled > 0 ? $" ({enrolled:+#,0;-#,0;0} in this run)" : "") +
                $" vs {k.CreatedRows:N0} created rows: {(k.Matched ? $"equal, {k.WaitedSeconds:0.0} s after the last batch" : $"NOT EQUAL after waiting {k.WaitedSeconds:0.0} s")}");
            Console.WriteLine($"    villagesWithProgram {k.After.VillagesWithProgram - k.Before.VillagesWithProgram:+#,0;-#,0;0} (new programmes {k.ExpectedVillagesWithProgram:N0}), " +
                $"budgetCommitted {k.After.BudgetCommitted - k.Before.BudgetCommitted:+#,0;-#,0;0} (created x Rp201,600 = {k.ExpectedBudgetCommitted:N0}), " +
                $"villagesAtTarget {k.After.VillagesAtTarget - k.Before.VillagesAtTarget:+#,0;-#,0;0}" + (k.ExpectedVillagesAtTarget >= 0 ? $" (expected {k.ExpectedVillagesAtTarget:N0})" : ""));
        }
        if (e.PerSecond > 0)
        {
            var nation = TimeSpan.FromSeconds(NationalBench.NationalEnrolments / e.PerSecond);
            var needed = NationalBench.NationalEnrolments / NationalBench.Goal.TotalSeconds;
            Console.WriteLine($"  goal: the nation ({NationalBench.NationalEnrolments:N0}) in <= {NationalBench.Goal.TotalMinutes:0} min, i.e. >= {needed:N0} enrolments/s durable: " +
                $"{e.PerSecond:N0}/s {(e.PerSecond >= needed ? "meets it" : "does not")}" +
                (r.Villages < 83_762 ? $" (this run: {r.Villages:N0} villages; at this rate the nation would take {nation.TotalMinutes:0.0} min)" : $" ({e.Seconds / 60:0.0} min)"));
        }
    }

    /// <summary>CPU per 1,000 units in core-seconds (= ms per unit), and units/s with nothing else on the machine.</summary>
    private sealed record Cost(double Service, double Postgres, double Bench, double IdleMachineRate);

    private static Cost? CpuCost(CpuSplit c, double seconds, long units)
    {
        if (units <= 0) return null;
        double PerThousand(double percent) => percent / 100 * seconds / units * 1000;
        var (service, postgres, bench) = (PerThousand(c.Service), PerThousand(c.Postgres), PerThousand(c.Bench));
        var total = service + postgres + bench;
        return total <= 0 ? null : new Cost(service, postgres, bench, c.Cores / total * 1000);
    }
}
