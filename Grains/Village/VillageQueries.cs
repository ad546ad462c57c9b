using Villages.Domain;

namespace Villages.Village;

/// <summary>The village's read side: lists, the audit trail and the collective-registration export.</summary>
internal static class VillageQueries
{
    private static readonly EnrollmentOptions Unlimited = new() { MinimumAgeYears = 0, MaximumAgeYears = 200 };

    public static EnrollmentPage List(VillageLedger ledger, int offset, int limit)
    {
        var items = ledger.Enrollments
            .OrderBy(static e => e.EnrolledAt).ThenBy(static e => e.Id, StringComparer.Ordinal)
            .Skip(offset).Take(limit).Select(e => e.ToView(ledger.VillageCode)).ToList();
        return new EnrollmentPage(items, ledger.Count, offset, limit);
    }

    public static HistoryPage History(VillageLedger ledger, VillageProgramState header, int offset, int limit)
    {
        var programme = (header.History ?? []).Select(static c => new HistoryEntry(c, null, null));
        var workers = ledger.Enrollments.SelectMany(e => e.History.Select(c => new HistoryEntry(c, e.Id, Nik.Mask(e.Nik))));
        var all = programme.Concat(workers).OrderByDescending(static h => h.Change.At).ToList();
        return new HistoryPage([.. all.Skip(offset).Take(limit)], all.Count, offset, limit);
    }

    public static IReadOnlyList<EnrollmentExport> Export(VillageLedger ledger, DateOnly today) =>
        [.. ledger.Enrollments
            .Where(static e => e.IsActive)
            .OrderBy(static e => e.EnrolledAt)
            .Select(e =>
            {
                // The NIK was valid when enrolled; its facts are read back without today's age limits.
                Nik.TryValidate(e.Nik, today, Unlimited, out var facts, out _);
                return new EnrollmentExport(e.Id, e.Nik, e.Name, facts.BirthDate, facts.Sex == Sex.Female, e.Occupation, e.MonthlyIncome,
                    e.Programs, e.MonthlyPremium, e.CoverageMonths, e.CoverageStart, e.CoverageEnd, e.EnrolledAt, e.AgentId);
            })];
}
