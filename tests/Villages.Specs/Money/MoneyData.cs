using Villages.Domain;
using Villages.Silo.Configuration;
using Villages.Specs.Domain;
using Xunit;

namespace Villages.Specs.Money;

/// <summary>Ledgers with the shipped holiday calendar, and the money calls a village makes on them.</summary>
internal static class MoneyData
{
    /// <summary>The rules as the service ships them: the holiday file, three months, refunds on.</summary>
    public static readonly DuesRules Shipped = HolidayFiles.Rules(new MoneyOptions());

    /// <summary>10:00 WIB on a day.</summary>
    public static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 3, 0, 0, TimeSpan.Zero);

    public static DateOnly Day(int year, int month, int day) => new(year, month, day);

    public static DateOnly Month(int year, int month) => new(year, month, 1);

    /// <summary>A village with the 2026 campaign programme and the shipped money rules, or others.</summary>
    public static VillageLedger Ledger(DuesRules? rules = null, bool prepaid = false) =>
        new(TestData.VillageCode, [new Programme(TestData.Year2026(), TestData.Campaign(), TestData.Now, TestData.Now) { Prepaid = prepaid }], [], rules ?? Shipped);

    /// <summary>Workers enrolled (the usual package, Rp16,800 a month) on a day.</summary>
    public static void EnrollOn(this VillageLedger ledger, DateTimeOffset at, params int[] serials)
    {
        foreach (var serial in serials) ledger.Enroll(TestData.Request(TestData.Worker(serial)), at);
    }

    public static PaymentPlan Pay(this VillageLedger ledger, string reference, DateTimeOffset at, long amount, params DateOnly[] months)
    {
        Assert.True(ledger.TryPay(reference, at, amount, months, out var plan, out var failure), failure?.Detail);
        ledger.Apply(plan);
        return plan;
    }

    public static bool TryPay(this VillageLedger ledger, string reference, DateTimeOffset at, long amount, DateOnly[] months, out PaymentPlan plan, out Failure failure)
    {
        var request = new PaymentRequest
        {
            Reference = reference, PaidOn = CoverageCalendar.LocalDate(at).ToString("yyyy-MM-dd"), Amount = amount,
            Months = [.. months.Select(static m => m.ToString("yyyy-MM"))],
        };
        plan = null!;
        return PaymentRules.TryValidate(request, CoverageCalendar.LocalDate(at), ledger.Dues, out var valid, out failure)
            && ledger.TryPlanPayment(TestData.Year2026(), valid, at, out plan, out failure);
    }

    public static EnrollmentStatus StatusOf(this VillageLedger ledger, int serial, DateOnly day) =>
        ledger.Projected.Single(e => e.Id == TestData.IdOf(TestData.Worker(serial))).StatusOn(day);

    public static ProgrammeDues Dues(this VillageLedger ledger) => ledger.DuesOf(TestData.Year2026());
}
