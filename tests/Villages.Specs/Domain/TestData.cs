using Villages.Domain;
using Villages.Privacy;
using Villages.Regions;
using Xunit;

namespace Villages.Specs.Domain;

/// <summary>
/// Fixed dates, NIKs, requests and ledgers shared by the domain tests: no clock, no randomness.
/// Today is 25 November 2026; the default programme is the campaign's own: 100 workers,
/// Rp20,160,000 (100 x Rp16,800 x 12 months), 12 months prepaid, from the village budget (SD).
/// </summary>
internal static class TestData
{
    public static readonly DateOnly Today = new(2026, 11, 25);

    /// <summary>25 November 2026, 10:00 WIB.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);

    public const string VillageCode = "35.10.01.2001";
    public const string OtherVillageCode = "35.10.01.2002";

    /// <summary>A woman born 5 March 1990 (day 45 = 5 + 40), first registered in 35.10.01.</summary>
    public const string WomanNik = "3510014503900001";

    /// <summary>A man born 5 March 1990.</summary>
    public const string ManNik = "3510010503900002";

    /// <summary>The usual package at the lowest income: Rp16,800 a month.</summary>
    public const long LowestIncome = 1_000_000;
    public const long UsualMonthly = 16_800;
    public const long UsualYear = 201_600;

    public static readonly Programs Usual = Programs.Jkk | Programs.Jkm;

    public static ProgramTerms Campaign(
        int targetWorkers = 100, long budget = 20_160_000, int months = 12, FundingSource funding = FundingSource.SD) =>
        new(targetWorkers, budget, months, funding);

    /// <summary>The 2026 programme for vulnerable workers, paid by a funder.</summary>
    public static ProgramKey Year2026(FundingSource funding = FundingSource.SD) => new(2026, funding, Cohort.Vulnerable);

    /// <summary>A NIK of someone born on the given day (DDMMYY, 40 added to the day for women).</summary>
    public static string NikOf(DateOnly birth, bool female = false, int serial = 1, string area = "351001") =>
        $"{area}{birth.Day + (female ? 40 : 0):00}{birth.Month:00}{birth.Year % 100:00}{serial:0000}";

    /// <summary>Distinct valid NIKs (men born 5 March 1990, serials from 1).</summary>
    public static string Worker(int serial) => NikOf(new DateOnly(1990, 3, 5), serial: serial);

    public static EnrollmentRequest Request(
        string nik = WomanNik, long income = LowestIncome, Programs? programs = null,
        string name = "Siti Aminah", string occupation = "nelayan", string? agent = null) =>
        new() { Nik = nik, Name = name, Occupation = occupation, MonthlyIncome = income, Programs = ProgramNames.Of(programs ?? Usual), AgentId = agent };

    /// <summary>Who the specs act as when they change a ledger.</summary>
    public static readonly Actor Operator = new("test-operator", "village-operator", null);

    public static EnrollmentRules Rules(EnrollmentOptions? options = null) =>
        new(options ?? new EnrollmentOptions(), new PremiumCalculator(new PremiumOptions()));

    public static ValidEnrollment Valid(EnrollmentRequest request)
    {
        Assert.True(Rules().TryValidate(request, Today, out var valid, out var failure), failure?.Detail);
        return valid;
    }

    /// <summary>A fixed test secret: 32 bytes 0, 1, ..., 31.</summary>
    public static PrivacyOptions Secret(byte seed = 0) =>
        new() { Secret = Convert.ToBase64String(Enumerable.Range(seed, 32).Select(static i => (byte)i).ToArray()) };

    public static readonly WorkerKeys Keys = new(Secret());

    public static VillageLedger Ledger(ProgramTerms? program = null)
    {
        var terms = program ?? Campaign();
        return new(VillageCode, [new Programme(Year2026(terms.FundingSource), terms, Now, Now)], []);
    }

    public static VillageLedger LedgerWithoutProgram() => new(VillageCode, [], []);

    /// <summary>The village opens the same programme for 2027 too.</summary>
    public static VillageLedger With2027(this VillageLedger ledger, ProgramTerms? terms = null)
    {
        ledger.Apply(new Programme(new ProgramKey(2027, FundingSource.SD, Cohort.Vulnerable), terms ?? Campaign(), Now, Now));
        return ledger;
    }

    // The figures of the 2026 programme, as the first release's ledger had them.
    public static long Committed(this VillageLedger ledger) => ledger.CommittedTotal;
    public static long Reserved(this VillageLedger ledger) => ledger.Programmes.Sum(p => ledger.Reserved(p.Key));
    public static long Available(this VillageLedger ledger) => ledger.Programmes.Sum(p => ledger.Available(p.Key));
    public static int Covered(this VillageLedger ledger, DateOnly? day = null) => ledger.CoveredOn(day ?? Today);
    public static long MonthlyPremiums(this VillageLedger ledger, DateOnly? day = null) =>
        ledger.Enrollments.Select(e => e.CoveringOn(day ?? Today)).Sum(static b => b?.MonthlyPremium ?? 0);

    /// <summary>The programme of 2026 a village opens or changes, checked then recorded.</summary>
    public static Failure? ChangeProgram(this VillageLedger ledger, ProgramTerms terms, VillageKind kind)
    {
        var key = Year2026(terms.FundingSource);
        var failure = ledger.CheckProgram(key, terms, ProgramChecks, kind);
        if (failure is null) ledger.Apply(new Programme(key, terms, Now, Now));
        return failure;
    }

    public static readonly ProgramRules ProgramChecks = new(new ProgramOptions());

    /// <summary>What a village operator's call does: validate, choose the programme, plan, reserve, then apply.</summary>
    public static bool TryEnroll(this VillageLedger ledger, EnrollmentRequest request, DateTimeOffset at, out EnrollmentChange change, out Failure failure)
    {
        if (!ledger.TryPlan(request, at, out change, out failure)) return false;
        ledger.Reserve(change);
        ledger.Apply(change);
        return true;
    }

    /// <summary>Plans an enrolment into the year's only programme (as the grain chooses it).</summary>
    public static bool TryPlan(this VillageLedger ledger, EnrollmentRequest request, DateTimeOffset at, out EnrollmentChange change, out Failure failure)
    {
        change = null!;
        var valid = Valid(request);
        var today = CoverageCalendar.LocalDate(at);
        var held = ledger.Find(IdOf(request.Nik!));
        ProgramKey program;
        if (held is not null && held.HoldsOn(today)) program = held.CurrentOn(today).Program;
        else if (!ProgramChecks.TryChoose(today.Year, null, null, ledger.Programmes.Select(static p => p.Key), VillageCode, out program, out failure)) return false;
        return ledger.TryPlan(valid, program, false, IdOf(request.Nik!), Keys.RegistryKey(request.Nik!), at, Operator, out change, out failure);
    }

    public static EnrollmentChange Enroll(this VillageLedger ledger, EnrollmentRequest request, DateTimeOffset? at = null)
    {
        Assert.True(ledger.TryEnroll(request, at ?? Now, out var change, out var failure), failure?.Detail);
        return change;
    }

    public static EnrollmentChange Plan(this VillageLedger ledger, EnrollmentRequest request, DateTimeOffset? at = null)
    {
        Assert.True(ledger.TryPlan(request, at ?? Now, out var change, out var failure), failure?.Detail);
        return change;
    }

    public static Failure Refusal(this VillageLedger ledger, EnrollmentRequest request, DateTimeOffset? at = null)
    {
        Assert.False(ledger.TryPlan(request, at ?? Now, out _, out var failure));
        return failure;
    }

    public static Withdrawal Withdraw(this VillageLedger ledger, string nik, DateTimeOffset at)
    {
        Assert.True(ledger.TryPlanWithdrawal(IdOf(nik), at, Operator, out var withdrawal));
        ledger.Apply(withdrawal);
        return withdrawal;
    }

    public static string IdOf(string nik) => Keys.EnrollmentId(VillageCode, nik);
}
