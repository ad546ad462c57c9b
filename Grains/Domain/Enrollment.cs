using System.Collections.Immutable;

namespace Villages.Domain;

/// <summary>
/// A worker's enrolment in one village, as the village grain holds it in memory (in clear; the
/// stored form seals the NIK and the name): who they are, and their blocks of coverage, oldest
/// first. A renewal, or a return after the coverage ended, adds a block; the earlier ones stay.
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
    public required DateTimeOffset EnrolledAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? WithdrawnAt { get; init; }
    public string? AgentId { get; init; }
    /// <summary>Never empty: the blocks of coverage, oldest first.</summary>
    public required ImmutableArray<CoverageBlock> Blocks { get; init; }
    /// <summary>
    /// Premiums of periods stored by the first release, before blocks were kept (months begun
    /// before a withdrawal): spent from the first block's programme.
    /// </summary>
    public long SettledEarlier { get; init; }
    /// <summary>The worker's BPJS participant number (KPJ), once BPJS's result file confirmed the registration.</summary>
    public string? Kpj { get; init; }
    /// <summary>The day BPJS registered the worker, as its result file says.</summary>
    public DateOnly? ConfirmedOn { get; init; }
    /// <summary>Why BPJS refused the registration, when its result file did.</summary>
    public string? BpjsRefusal { get; init; }
    /// <summary>The enrolment's audit trail, oldest first; only ever appended to.</summary>
    public ImmutableArray<Change> History { get; init; } = [];

    public CoverageBlock Latest => Blocks[^1];

    /// <summary>The village's word only, until BPJS's result file confirms (or refuses) the registration.</summary>
    public BpjsRegistration Registration =>
        ConfirmedOn is not null ? BpjsRegistration.ConfirmedByBpjs : BpjsRefusal is not null ? BpjsRegistration.RefusedByBpjs : BpjsRegistration.RegisteredByVillage;

    public Cohort Cohort => Latest.Program.Cohort;

    /// <summary>The block that covers the day, else the latest that began by then, else the first.</summary>
    public CoverageBlock CurrentOn(DateOnly day)
    {
        CoverageBlock? begun = null;
        foreach (var block in Blocks)
        {
            if (block.Covers(day)) return block;
            if (block.Start <= day) begun = block;
        }
        return begun ?? Blocks[0];
    }

    public EnrollmentStatus StatusOn(DateOnly day) => CurrentOn(day).StatusOn(day);

    /// <summary>The block covering the day, if any.</summary>
    public CoverageBlock? CoveringOn(DateOnly day)
    {
        foreach (var block in Blocks) if (block.Covers(day)) return block;
        return null;
    }

    /// <summary>
    /// Whether this village holds the worker from <paramref name="today"/> on: covered today or by a
    /// renewal not yet begun. Once the coverage ended, was withdrawn or terminated, any village may
    /// enrol them again.
    /// </summary>
    public bool HoldsOn(DateOnly today) => Blocks.Any(b => b.RunsOnOrAfter(today));

    /// <summary>The last covered day of the chain of blocks that covers the day, each beginning the day after the one before.</summary>
    public DateOnly? ChainEndFrom(DateOnly day)
    {
        DateOnly? end = null;
        foreach (var block in Blocks)
        {
            if (end is null ? block.Covers(day) : block.Start == end.Value.AddDays(1) && block.End >= block.Start) end = block.End;
        }
        return end;
    }

    /// <summary>What this enrolment holds of its village's budgets (every block).</summary>
    public long Commitment => SettledEarlier + Blocks.Sum(static b => b.Commitment);

    /// <summary>What it holds of one programme's budget.</summary>
    public long CommitmentTo(ProgramKey program) =>
        Blocks.Where(b => b.Program == program).Sum(static b => b.Commitment) + (Blocks[0].Program == program ? SettledEarlier : 0);

    public EnrollmentView ToView(string villageCode, DateOnly today)
    {
        var current = CurrentOn(today);
        return new EnrollmentView
        {
            EnrollmentId = Id, VillageCode = villageCode, MaskedNik = Domain.Nik.Mask(Nik), Name = Name, Occupation = Occupation,
            MonthlyIncome = MonthlyIncome, Programs = ProgramNames.Of(Programs), MonthlyPremium = current.MonthlyPremium,
            CoverageMonths = current.Months, Commitment = Commitment, CoverageStart = current.Start, CoverageEnd = current.End,
            Status = current.StatusOn(today), EnrolledAt = EnrolledAt, UpdatedAt = UpdatedAt, WithdrawnAt = WithdrawnAt, AgentId = AgentId,
            Year = current.Program.Year, FundingSource = current.Program.Funder, Cohort = current.Program.Cohort,
            Periods = [.. Blocks.Select(b => b.ToPeriod(today))],
            Bpjs = Registration,
            MaskedKpj = Kpj is null ? null : Domain.Kpj.Mask(Kpj), ConfirmedOn = ConfirmedOn, BpjsRefusal = BpjsRefusal,
        };
    }

    /// <summary>Never print the NIK or the name.</summary>
    public override string ToString() => $"Enrollment {{ Id = {Id}, Blocks = {Blocks.Length}, MonthlyPremium = {Latest.MonthlyPremium} }}";
}
