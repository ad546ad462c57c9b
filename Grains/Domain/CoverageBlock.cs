namespace Villages.Domain;

/// <summary>Why a block of coverage stopped before the end of its paid months.</summary>
public enum BlockStop
{
    None = 0,
    /// <summary>The village withdrew the worker: months not begun returned to the budget.</summary>
    Withdrawn = 1,
    /// <summary>BPJS ended the membership for arrears (berakhir kepesertaan).</summary>
    Terminated = 2,
}

/// <summary>
/// One block of a worker's coverage, paid from one programme: from <see cref="Start"/> (the
/// registration day, or the day a renewal begins) to the end of the last paid month, whole
/// calendar months from <see cref="FirstMonth"/> on. A block that stopped early covers the days
/// before it stopped.
/// </summary>
public sealed record CoverageBlock
{
    public required ProgramKey Program { get; init; }
    /// <summary>The first covered day.</summary>
    public required DateOnly Start { get; init; }
    /// <summary>The first paid month (its first day): the month of <see cref="Start"/>, or the next one when that month was paid already.</summary>
    public required DateOnly FirstMonth { get; init; }
    public required int Months { get; init; }
    public required long MonthlyPremium { get; init; }
    public BlockStop Stop { get; init; }
    /// <summary>The first day no longer covered, for a block that stopped early.</summary>
    public DateOnly? StoppedOn { get; init; }
    /// <summary>Paid months given back to the budget when it stopped (those not begun).</summary>
    public int MonthsRefunded { get; init; }
    /// <summary>The day a BPJS branch restored it after a termination for arrears: arrears are judged again only after it.</summary>
    public DateOnly? ReinstatedOn { get; init; }

    /// <summary>The last day the paid months cover.</summary>
    public DateOnly PaidEnd => CoverageCalendar.End(FirstMonth, Months);

    /// <summary>The last covered day; before <see cref="Start"/> when it stopped before it began.</summary>
    public DateOnly End => StoppedOn is { } stopped && stopped <= PaidEnd ? stopped.AddDays(-1) : PaidEnd;

    public bool Stopped => Stop != BlockStop.None;

    /// <summary>What the block holds of its programme's budget.</summary>
    public long Commitment => MonthlyPremium * (Months - MonthsRefunded);

    public bool Covers(DateOnly day) => day >= Start && day <= End;

    /// <summary>Whether the block still covers a day from <paramref name="today"/> on (today, or a renewal not yet begun).</summary>
    public bool RunsOnOrAfter(DateOnly today) => End >= today && End >= Start;

    /// <summary>
    /// The effective weight BPJS gives a covered worker, in sixths: at least 6 paid months count
    /// fully, fewer in proportion.
    /// </summary>
    public int EffectiveSixths => Math.Min(Months - MonthsRefunded, 6);

    public EnrollmentStatus StatusOn(DateOnly day) => Stop switch
    {
        BlockStop.Withdrawn => EnrollmentStatus.Withdrawn,
        BlockStop.Terminated when StoppedOn <= day => EnrollmentStatus.Terminated,
        _ => End < day ? EnrollmentStatus.Ended : EnrollmentStatus.Active,
    };

    /// <summary>
    /// The months whose contributions the block owes BPJS: from its first paid month, those not
    /// refunded, and for a membership ended for arrears only those begun before it ended.
    /// </summary>
    public MonthRange DueMonths()
    {
        var count = Math.Max(Months - MonthsRefunded, 0);
        if (Stop == BlockStop.Terminated && StoppedOn is { } stopped)
        {
            var begun = 0;
            while (begun < count && FirstMonth.AddMonths(begun) < stopped) begun++;
            count = begun;
        }
        return new MonthRange(FirstMonth, count);
    }

    /// <summary>The last month it owes, whatever happens to it later (for counting its months in arrears).</summary>
    public DateOnly LastPaidMonth => FirstMonth.AddMonths(Months - MonthsRefunded - 1);

    public CoveragePeriod ToPeriod(DateOnly today) => new()
    {
        Year = Program.Year, FundingSource = Program.Funder, Cohort = Program.Cohort, CoverageStart = Start, CoverageEnd = End,
        Months = Months, MonthlyPremium = MonthlyPremium, Status = StatusOn(today),
    };
}

/// <summary>Consecutive months from a first one: walked by foreach with no allocation (the figures walk them on every write).</summary>
public readonly record struct MonthRange(DateOnly First, int Count)
{
    public Enumerator GetEnumerator() => new(First, Count);

    public struct Enumerator(DateOnly first, int count)
    {
        private int _index = -1;

        public readonly DateOnly Current => first.AddMonths(_index);

        public bool MoveNext() => ++_index < count;
    }
}
