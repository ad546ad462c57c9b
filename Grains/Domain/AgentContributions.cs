namespace Villages.Domain;

/// <summary>
/// Contributions collected, the base of a PERISAI agent's commission: for each worker an agent
/// enrolled, what was actually paid to BPJS for that worker's months. Payments are recorded per
/// programme and month, so a worker's share of a month is their monthly premium in the proportion
/// the month was paid (an overpayment counts as the month paid in full, nothing more). Whole
/// rupiah, no floating point: a month's shares are apportioned by largest remainders, so they add
/// up exactly to what was paid for it and the agents' sums add up across regions.
/// </summary>
public static class AgentContributions
{
    /// <summary>Each agent's contributions collected, from the enrolments and their programmes' statements (empty when no enrolment names an agent).</summary>
    public static Dictionary<string, long> ByAgent(IReadOnlyCollection<Enrollment> enrollments, IReadOnlyDictionary<ProgramKey, ProgrammeDues> statements)
    {
        var byAgent = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!enrollments.Any(static e => e.AgentId is not null)) return byAgent;
        var agents = enrollments.Where(static e => e.AgentId is not null).ToDictionary(static e => e.Id, static e => e.AgentId!, StringComparer.Ordinal);
        foreach (var (id, share) in Shares(enrollments, statements))
        {
            if (share != 0 && agents.TryGetValue(id, out var agent)) byAgent[agent] = byAgent.GetValueOrDefault(agent) + share;
        }
        return byAgent;
    }

    /// <summary>What was paid for each enrolment's months, by enrolment id (every worker, with an agent or not).</summary>
    public static Dictionary<string, long> Shares(IEnumerable<Enrollment> enrollments, IReadOnlyDictionary<ProgramKey, ProgrammeDues> statements)
    {
        // Who owes each month of each programme, and how much: the blocks as the statements were computed from.
        var owing = new Dictionary<(ProgramKey Program, DateOnly Month), List<(string Id, long Premium)>>();
        foreach (var e in enrollments)
        {
            foreach (var block in e.Blocks)
            {
                foreach (var month in block.DueMonths())
                {
                    if (!owing.TryGetValue((block.Program, month), out var workers)) owing[(block.Program, month)] = workers = [];
                    workers.Add((e.Id, block.MonthlyPremium));
                }
            }
        }
        var shares = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var ((program, month), workers) in owing)
        {
            if (!statements.TryGetValue(program, out var statement) || statement.Month(month) is not { AmountPaid: > 0 } dues) continue;
            workers.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id)); // ties go the same way whatever the order of the ledger
            var parts = Apportion(dues.AmountPaid, [.. workers.Select(static w => w.Premium)]);
            for (var i = 0; i < workers.Count; i++) shares[workers[i].Id] = shares.GetValueOrDefault(workers[i].Id) + parts[i];
        }
        return shares;
    }

    /// <summary>
    /// Splits what was paid for a month among its workers in proportion to their premiums, capped at
    /// the premiums' sum: each gets the whole rupiah of their exact share, and the rupiah left over go
    /// one each to the largest remainders (the earlier worker first on a tie). The parts add up to the
    /// amount, exactly.
    /// </summary>
    public static long[] Apportion(long paid, IReadOnlyList<long> premiums)
    {
        var due = premiums.Sum();
        var parts = new long[premiums.Count];
        if (paid <= 0 || due <= 0) return parts;
        if (paid >= due)
        {
            for (var i = 0; i < parts.Length; i++) parts[i] = premiums[i];
            return parts;
        }
        var remainders = new (Int128 Remainder, int Index)[premiums.Count];
        long given = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var exact = (Int128)premiums[i] * paid; // the share is exact / due
            parts[i] = (long)(exact / due);
            remainders[i] = (exact % due, i);
            given += parts[i];
        }
        Array.Sort(remainders, static (a, b) => a.Remainder != b.Remainder ? b.Remainder.CompareTo(a.Remainder) : a.Index.CompareTo(b.Index));
        for (var k = 0; k < paid - given; k++) parts[remainders[k].Index]++;
        return parts;
    }
}
