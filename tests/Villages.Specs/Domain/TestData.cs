using Villages.Domain;
using Villages.Privacy;
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

    public static VillageLedger Ledger(ProgramTerms? program = null) =>
        new(VillageCode, program ?? Campaign(), []);

    public static VillageLedger LedgerWithoutProgram() => new(VillageCode, null, []);

    public static readonly ProgramRules ProgramChecks = new(new ProgramOptions());

    /// <summary>What a village operator's call does: validate, plan, reserve, then apply.</summary>
    public static bool TryEnroll(this VillageLedger ledger, EnrollmentRequest request, DateTimeOffset at, out EnrollmentChange change, out Failure failure)
    {
        var valid = Valid(request);
        if (!ledger.TryPlan(valid, IdOf(request.Nik!), Keys.RegistryKey(request.Nik!), at, Operator, out change, out failure)) return false;
        ledger.Reserve(change);
        ledger.Apply(change);
        return true;
    }

    public static EnrollmentChange Enroll(this VillageLedger ledger, EnrollmentRequest request, DateTimeOffset? at = null)
    {
        Assert.True(ledger.TryEnroll(request, at ?? Now, out var change, out var failure), failure?.Detail);
        return change;
    }

    public static EnrollmentChange Plan(this VillageLedger ledger, EnrollmentRequest request, DateTimeOffset? at = null)
    {
        Assert.True(ledger.TryPlan(Valid(request), IdOf(request.Nik!), Keys.RegistryKey(request.Nik!), at ?? Now, Operator, out var change, out var failure), failure?.Detail);
        return change;
    }

    public static Failure Refusal(this VillageLedger ledger, EnrollmentRequest request, DateTimeOffset? at = null)
    {
        Assert.False(ledger.TryPlan(Valid(request), IdOf(request.Nik!), Keys.RegistryKey(request.Nik!), at ?? Now, Operator, out _, out var failure));
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
