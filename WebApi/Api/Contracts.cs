using Villages.Regions;

namespace Villages.WebApi.Api;

// The public JSON shapes (API.md): camelCase, whole rupiah, ISO 8601 UTC times.

public sealed record ProgramBody(int? TargetWorkers, long? BudgetAllocated, int? CoverageMonths, string? FundingSource);

public sealed record EnrollmentBody(string? Nik, string? Name, string? Occupation, long? MonthlyIncome, string[]? Programs, string? AgentId)
{
    public override string ToString() => "EnrollmentBody"; // never print a NIK
}

public sealed record RegionRef(string Code, string Name);

public sealed record ProgramView(
    int TargetWorkers, long BudgetAllocated, long BudgetCommitted, long BudgetRemaining, int CoverageMonths,
    string FundingSource, DateTime? OpenedAt, DateTime? UpdatedAt);

public sealed record VillageView(
    string Code, string Name, string Kind, RegionRef District, RegionRef Regency, RegionRef Province,
    ProgramView? Program, int ActiveEnrollments, int TargetWorkers, long MonthlyPremiums, string Status);

public sealed record EnrollmentJson(
    string EnrollmentId, string VillageCode, string Nik, string Name, string Occupation, long MonthlyIncome,
    string[] Programs, long MonthlyPremium, int CoverageMonths, long Commitment, DateOnly CoverageStart,
    DateOnly CoverageEnd, string Status, DateTime EnrolledAt, DateTime UpdatedAt, DateTime? WithdrawnAt, string? AgentId);

public sealed record EnrollmentListJson(IReadOnlyList<EnrollmentJson> Items, int Total, int Offset, int Limit);

public sealed record WithdrawalJson(EnrollmentJson Enrollment, long Refund, int MonthsRefunded);

public sealed record ActorJson(string Subject, string Role);

public sealed record HistoryEntryJson(DateTime At, string Kind, ActorJson Actor, string? TraceId, string? EnrollmentId, string? Nik, long BudgetDelta, string What);

public sealed record HistoryJson(IReadOnlyList<HistoryEntryJson> Items, int Total, int Offset, int Limit);

public sealed record BatchRowJson(int Row, string Result, int Status, string? EnrollmentId, EnrollmentJson? Enrollment, Microsoft.AspNetCore.Mvc.ProblemDetails? Error);

public sealed record BatchJson(int Rows, int Created, int Unchanged, int Repriced, int Updated, int Rejected, IReadOnlyList<BatchRowJson> Results);

/// <summary>Maps grain records to the public shapes.</summary>
public static class Json
{
    public static string Kind(VillageKind kind) => kind switch
    {
        VillageKind.Kelurahan => "kelurahan",
        VillageKind.DesaAdat => "desa-adat",
        _ => "desa",
    };

    public static string Status(VillageStatus status) => status switch
    {
        VillageStatus.AtTarget => "at-target",
        VillageStatus.Active => "active",
        _ => "not-started",
    };

    public static string Result(EnrollmentResult result) => result.ToString().ToLowerInvariant();

    public static string[] Programs(Programs programs) =>
        [.. new[] { (Villages.Programs.Jkk, "JKK"), (Villages.Programs.Jkm, "JKM"), (Villages.Programs.Jht, "JHT") }
            .Where(p => programs.HasFlag(p.Item1)).Select(p => p.Item2)];

    /// <summary>Parses programme names; null (absent) means the usual package, JKK + JKM.</summary>
    public static bool TryParsePrograms(IEnumerable<string>? names, out Programs programs)
    {
        programs = Villages.Programs.None;
        if (names is null)
        {
            programs = Villages.Programs.Jkk | Villages.Programs.Jkm;
            return true;
        }
        foreach (var name in names)
        {
            switch (name?.Trim().ToUpperInvariant())
            {
                case "JKK": programs |= Villages.Programs.Jkk; break;
                case "JKM": programs |= Villages.Programs.Jkm; break;
                case "JHT": programs |= Villages.Programs.Jht; break;
                default: return false;
            }
        }
        return true;
    }

    public static DateTime? Utc(DateTimeOffset? time) => time?.UtcDateTime;

    public static HistoryEntryJson History(HistoryEntry entry)
    {
        var c = entry.Change;
        var kind = c.Kind switch
        {
            ChangeKind.ProgramOpened => "program-opened",
            ChangeKind.ProgramChanged => "program-changed",
            ChangeKind.Enrolled => "enrolled",
            ChangeKind.Repriced => "repriced",
            ChangeKind.Updated => "updated",
            _ => "withdrawn",
        };
        return new HistoryEntryJson(c.At.UtcDateTime, kind, new ActorJson(c.Subject, c.Role), c.TraceId, entry.EnrollmentId, entry.MaskedNik, c.BudgetDelta, c.What);
    }

    public static VillageView Village(Region village, VillageSnapshot snapshot, int defaultTarget)
    {
        var district = village.Parent!;
        var regency = district.Parent!;
        var province = regency.Parent!;
        var program = snapshot.Program is { } p
            ? new ProgramView(p.TargetWorkers, p.BudgetAllocated, snapshot.BudgetCommitted, snapshot.BudgetRemaining,
                p.CoverageMonths, p.FundingSource.ToString(), Utc(snapshot.ProgramOpenedAt), Utc(snapshot.UpdatedAt))
            : null;
        return new VillageView(village.Code, village.Name, Kind(village.Kind!.Value),
            new RegionRef(district.Code, district.Name), new RegionRef(regency.Code, regency.Name), new RegionRef(province.Code, province.Name),
            program, snapshot.ActiveEnrollments, snapshot.Program?.TargetWorkers ?? defaultTarget, snapshot.MonthlyPremiums, Status(snapshot.Status));
    }

    public static EnrollmentJson Enrollment(EnrollmentView e) => new(
        e.EnrollmentId, e.VillageCode, e.MaskedNik, e.Name, e.Occupation, e.MonthlyIncome, Programs(e.Programs),
        e.MonthlyPremium, e.CoverageMonths, e.Commitment, e.CoverageStart, e.CoverageEnd,
        e.Status == EnrollmentStatus.Active ? "active" : "withdrawn",
        e.EnrolledAt.UtcDateTime, e.UpdatedAt.UtcDateTime, Utc(e.WithdrawnAt), e.AgentId);
}
