using Villages.Domain;
using static Villages.Specs.Money.MoneyData;

namespace Villages.Specs.Money;

/// <summary>What a programme owes BPJS month by month, by when, and how payments settle it.</summary>
public class DuesTests
{
    [Theory]
    [InlineData(2026, 1, 15)] // a Thursday
    [InlineData(2026, 2, 18)] // Sunday 15th, Monday cuti bersama Imlek, Tuesday Imlek
    [InlineData(2026, 5, 18)] // Friday 15th cuti bersama (Ascension), then the weekend
    [InlineData(2026, 8, 18)] // Saturday 15th, Monday 17th Independence Day
    [InlineData(2026, 11, 16)] // a Sunday
    [InlineData(2027, 5, 18)] // Saturday 15th, Monday 17th Idul Adha (an estimate until the 2027 decree)
    public void Contributions_are_due_on_the_15th_or_the_next_working_day(int year, int month, int expectedDay)
    {
        Assert.Equal(Day(year, month, expectedDay), Shipped.Calendar.DueDate(Month(year, month)));
    }

    [Fact]
    public void The_shipped_calendar_holds_the_2026_decree_with_its_joint_leave_days()
    {
        var holidays = Shipped.Calendar.Holidays;
        Assert.Equal(25, holidays.Count(static d => d.Year == 2026)); // 17 national holidays, 8 cuti bersama
        Assert.Contains(Day(2026, 12, 24), holidays);
        Assert.Contains(Day(2028, 8, 17), holidays);
    }

    [Fact]
    public void A_holiday_file_line_that_is_not_a_date_is_named()
    {
        var bad = new StringReader("date,kind,name\n2027-01-01,libur-nasional,Tahun Baru\n2027-02-30,libur-nasional,Oops\n");

        var error = Assert.Throws<InvalidDataException>(() => HolidayFile.Read(bad, "extra.csv"));

        Assert.Contains("extra.csv, line 3", error.Message);
    }

    [Fact]
    public void Each_month_owes_the_contributions_of_the_workers_whose_block_pays_it()
    {
        var ledger = Ledger();
        ledger.EnrollOn(At(2026, 1, 5), 1, 2);
        ledger.EnrollOn(At(2026, 3, 20), 3);

        var dues = ledger.Dues();

        Assert.Equal(14, dues.Months.Length); // January 2026 to February 2027
        Assert.Equal((2, 33_600L), (dues.Month(Month(2026, 1))!.Workers, dues.Month(Month(2026, 1))!.AmountDue));
        Assert.Equal(50_400, dues.Month(Month(2026, 3))!.AmountDue);
        Assert.Equal(16_800, dues.Month(Month(2027, 2))!.AmountDue);
        Assert.Equal(Day(2026, 2, 18), dues.Month(Month(2026, 2))!.DueDate);
    }

    [Fact]
    public void A_month_is_due_then_late_once_its_due_date_passed_and_paid_when_paid_in_full()
    {
        var ledger = Ledger();
        ledger.EnrollOn(At(2026, 1, 5), 1);
        var january = ledger.Dues().Month(Month(2026, 1))!;
        Assert.Equal((MonthStatus.Due, MonthStatus.Late), (january.StatusOn(Day(2026, 1, 15)), january.StatusOn(Day(2026, 1, 16))));
        Assert.Equal(MonthStatus.Upcoming, ledger.Dues().Month(Month(2026, 2))!.StatusOn(Day(2026, 1, 16)));

        ledger.Pay("TRX-1", At(2026, 1, 20), 16_800, Month(2026, 1));

        Assert.Equal(MonthStatus.Paid, ledger.Dues().Month(Month(2026, 1))!.StatusOn(Day(2026, 1, 20)));
        Assert.Equal(0, ledger.Dues().InArrearsOn(Day(2026, 1, 20)));
    }

    [Fact]
    public void Prepaying_a_whole_block_is_one_payment()
    {
        var ledger = Ledger();
        ledger.EnrollOn(At(2026, 1, 5), 1, 2);

        var plan = ledger.Pay("SP2D-0001", At(2026, 1, 6), 12 * 33_600, [.. Enumerable.Range(1, 12).Select(static m => Month(2026, m))]);

        Assert.Equal((12 * 33_600L, 0L), (plan.Payment.Expected, plan.Payment.Amount - plan.Payment.Expected));
        Assert.All(ledger.Dues().Months, static m => Assert.Equal(MonthStatus.Paid, m.StatusOn(Day(2026, 12, 31))));
    }

    [Fact]
    public void Underpayment_leaves_the_last_months_partial_and_overpayment_is_shown_on_the_last_month()
    {
        var ledger = Ledger();
        ledger.EnrollOn(At(2026, 1, 5), 1);

        var under = ledger.Pay("A", At(2026, 1, 6), 20_000, Month(2026, 1), Month(2026, 2));
        Assert.Equal(-13_600, under.Payment.Amount - under.Payment.Expected);
        Assert.Equal((MonthStatus.Paid, MonthStatus.Partial), (ledger.Dues().Month(Month(2026, 1))!.StatusOn(Day(2026, 2, 1)), ledger.Dues().Month(Month(2026, 2))!.StatusOn(Day(2026, 2, 1))));

        var over = ledger.Pay("B", At(2026, 3, 1), 30_000, Month(2026, 3));
        Assert.Equal(13_200, over.Payment.Amount - over.Payment.Expected);
        Assert.Equal(13_200, ledger.Dues().Month(Month(2026, 3))!.Overpaid);
        Assert.Equal(MonthStatus.Paid, ledger.Dues().Month(Month(2026, 3))!.StatusOn(Day(2026, 3, 1)));
    }

    [Fact]
    public void The_same_reference_again_is_a_repeat_and_with_other_details_a_conflict()
    {
        var ledger = Ledger();
        ledger.EnrollOn(At(2026, 1, 5), 1);
        ledger.Pay("TRX-7", At(2026, 1, 6), 16_800, Month(2026, 1));

        Assert.True(ledger.TryPay("TRX-7", At(2026, 1, 6), 16_800, [Month(2026, 1)], out var again, out _));
        Assert.True(again.Repeat);
        Assert.False(ledger.TryPay("TRX-7", At(2026, 1, 6), 16_000, [Month(2026, 1)], out _, out var conflict));
        Assert.Equal((FailureCode.PaymentConflict, "reference"), (conflict.Code, conflict.Field));
        Assert.Single(ledger.Programme(Specs.Domain.TestData.Year2026())!.Payments);
    }

    [Theory]
    [InlineData("", "2026-01-06", 16_800, "2026-01", "reference")]
    [InlineData("R", "2026-01-40", 16_800, "2026-01", "paidOn")]
    [InlineData("R", "2026-02-01", 16_800, "2026-01", "paidOn")] // in the future
    [InlineData("R", "2026-01-06", 0, "2026-01", "amount")]
    [InlineData("R", "2026-01-06", -5, "2026-01", "amount")]
    [InlineData("R", "2026-01-06", 16_800, "2026-13", "months")]
    [InlineData("R", "2026-01-06", 16_800, "", "months")]
    [InlineData("R", "2026-01-06", 16_800, "2027-06", "months")] // outside the programme's months
    public void A_payment_that_cannot_be_recorded_is_refused_and_changes_nothing(string reference, string paidOn, long amount, string month, string field)
    {
        var ledger = Ledger();
        ledger.EnrollOn(At(2026, 1, 5), 1);
        var request = new PaymentRequest { Reference = reference, PaidOn = paidOn, Amount = amount, Months = month.Length == 0 ? [] : [month] };

        var refused = !PaymentRules.TryValidate(request, Day(2026, 1, 6), ledger.Dues, out var valid, out var failure)
            || !ledger.TryPlanPayment(Specs.Domain.TestData.Year2026(), valid, At(2026, 1, 6), out _, out failure);

        Assert.True(refused);
        Assert.Equal((FailureCode.InvalidPayment, field), (failure.Code, failure.Field));
        Assert.Empty(ledger.Programme(Specs.Domain.TestData.Year2026())!.Payments);
    }
}
