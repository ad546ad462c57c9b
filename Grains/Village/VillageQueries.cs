using Villages.Domain;
using Villages.Regions;

namespace Villages.Village;

/// <summary>The village's read side: lists, the audit trail and the collective-registration export.</summary>
internal static class VillageQueries
{
    private static readonly EnrollmentOptions Unlimited = new() { MinimumAgeYears = 0, MaximumAgeYears = 200 };

    /// <summary>The village as shown: where it is, its programme and money, its status.</summary>
    public static VillageView View(Region village, VillageLedger ledger, VillageProgramState header, int defaultTarget)
    {
        var district = village.Parent!;
        var regency = district.Parent!;
        var province = regency.Parent!;
        return new VillageView
        {
            Code = village.Code, Name = village.Name, Kind = village.Kind!.Value,
            District = new RegionRef(district.Code, district.Name), Regency = new RegionRef(regency.Code, regency.Name),
            Province = new RegionRef(province.Code, province.Name),
            Program = ledger.Program is { } p ? new ProgramView
            {
                TargetWorkers = p.TargetWorkers, BudgetAllocated = p.BudgetAllocated, BudgetCommitted = ledger.Committed,
                BudgetRemaining = p.BudgetAllocated - ledger.Committed, CoverageMonths = p.CoverageMonths, FundingSource = p.FundingSource,
                OpenedAt = header.OpenedAt, UpdatedAt = header.UpdatedAt,
            } : null,
            ActiveEnrollments = ledger.ActiveCount, TargetWorkers = ledger.Program?.TargetWorkers ?? defaultTarget,
            MonthlyPremiums = ledger.MonthlyPremiums, Status = ledger.Status,
        };
    }

    public static EnrollmentPage List(VillageLedger ledger, int offset, int limit)
    {
        var items = ledger.Enrollments
            .OrderBy(static e => e.EnrolledAt).ThenBy(static e => e.Id, StringComparer.Ordinal)
            .Skip(offset).Take(limit).Select(e => e.ToView(ledger.VillageCode)).ToList();
        return new EnrollmentPage(items, ledger.Count, offset, limit);
    }

    public static HistoryPage History(VillageLedger ledger, VillageProgramState header, int offset, int limit)
    {
        var programme = (header.History ?? []).Select(static c => HistoryEntry.Of(c));
        var workers = ledger.Enrollments.SelectMany(e => e.History.Select(c => HistoryEntry.Of(c, e.Id, Nik.Mask(e.Nik))));
        var all = programme.Concat(workers).OrderByDescending(static h => h.At).ToList();
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
                return new EnrollmentExport
                {
                    EnrollmentId = e.Id, Nik = e.Nik, Name = e.Name, BirthDate = facts.BirthDate, Female = facts.Sex == Sex.Female,
                    Occupation = e.Occupation, MonthlyIncome = e.MonthlyIncome, Programs = e.Programs, MonthlyPremium = e.MonthlyPremium,
                    CoverageMonths = e.CoverageMonths, CoverageStart = e.CoverageStart, CoverageEnd = e.CoverageEnd, EnrolledAt = e.EnrolledAt,
                    AgentId = e.AgentId, FundingSource = ledger.Program?.FundingSource,
                };
            })];
}
