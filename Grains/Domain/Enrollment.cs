namespace Villages.Domain;

/// <summary>
/// A worker's enrolment in one village, as the village grain holds it in memory (in clear; the
/// stored form seals the NIK and the name).
/// </summary>
public sealed record Enrollment
{
    public required string Id { get; init; }
    /// <summary>The worker's national registry key (a keyed hash of the NIK).</summary>
    public required string NikKey { get; init; }
    public required string Nik { get; init; }
    public required string Name { get; init; }
    public required string Occupation { get; init; }
    public required long MonthlyIncome { get; init; }
    public required Programs Programs { get; init; }
    public required long MonthlyPremium { get; init; }
    public required int CoverageMonths { get; init; }
    public required DateOnly CoverageStart { get; init; }
    public required EnrollmentStatus Status { get; init; }
    public required DateTimeOffset EnrolledAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? WithdrawnAt { get; init; }
    /// <summary>Premiums of earlier coverage periods that stay spent (months begun before a withdrawal).</summary>
    public long SettledEarlier { get; init; }
    public string? AgentId { get; init; }
    /// <summary>The enrolment's audit trail, oldest first; only ever appended to.</summary>
    public System.Collections.Immutable.ImmutableArray<Change> History { get; init; } = [];

    public bool IsActive => Status == EnrollmentStatus.Active;

    /// <summary>What this enrolment holds of the village budget.</summary>
    public long Commitment => SettledEarlier + (IsActive ? MonthlyPremium * CoverageMonths : 0);

    public DateOnly CoverageEnd => CoverageCalendar.End(CoverageStart, CoverageMonths);

    public EnrollmentView ToView(string villageCode) => new()
    {
        EnrollmentId = Id, VillageCode = villageCode, MaskedNik = Domain.Nik.Mask(Nik), Name = Name, Occupation = Occupation,
        MonthlyIncome = MonthlyIncome, Programs = ProgramNames.Of(Programs), MonthlyPremium = MonthlyPremium,
        CoverageMonths = CoverageMonths, Commitment = Commitment, CoverageStart = CoverageStart, CoverageEnd = CoverageEnd,
        Status = Status, EnrolledAt = EnrolledAt, UpdatedAt = UpdatedAt, WithdrawnAt = WithdrawnAt, AgentId = AgentId,
    };

    /// <summary>Never print the NIK or the name.</summary>
    public override string ToString() => $"Enrollment {{ Id = {Id}, Status = {Status}, MonthlyPremium = {MonthlyPremium} }}";
}
