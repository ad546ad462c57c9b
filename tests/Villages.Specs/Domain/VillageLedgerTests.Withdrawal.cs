using Villages.Domain;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

/// <summary>Withdrawals, re-enrolment and the village's status.</summary>
public partial class VillageLedgerTests
{
    /// <summary>10 January 2027, 10:00 WIB: the third month (November, December, January) has begun.</summary>
    private static readonly DateTimeOffset January2027 = new(2027, 1, 10, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Withdrawing_in_january_refunds_the_nine_months_not_yet_begun()
    {
        var ledger = Ledger();
        ledger.Enroll(Request());

        var withdrawal = ledger.Withdraw(WomanNik, January2027);

        Assert.Equal(9, withdrawal.MonthsRefunded);
        Assert.Equal(9 * UsualMonthly, withdrawal.Refund);
        Assert.Equal(EnrollmentStatus.Withdrawn, withdrawal.After.StatusOn(new DateOnly(2027, 1, 10)));
        Assert.Equal(January2027, withdrawal.After.WithdrawnAt);
    }

    [Fact]
    public void The_months_already_begun_stay_spent_and_coverage_stops_the_day_before()
    {
        var ledger = Ledger();
        ledger.Enroll(Request());

        var withdrawal = ledger.Withdraw(WomanNik, January2027);

        Assert.Equal(3, withdrawal.After.Latest.Months - withdrawal.After.Latest.MonthsRefunded);
        Assert.Equal(new DateOnly(2027, 1, 9), withdrawal.After.Latest.End);
        Assert.Equal(3 * UsualMonthly, withdrawal.After.Commitment);
        Assert.Equal(3 * UsualMonthly, ledger.Committed());
        var january10 = new DateOnly(2027, 1, 10);
        Assert.Equal((0, 0L), (ledger.Covered(january10), ledger.MonthlyPremiums(january10)));
        Assert.False(ledger.HoldsWorker(Keys.RegistryKey(WomanNik), january10));
    }

    [Fact]
    public void Withdrawing_in_the_month_of_enrolment_refunds_the_other_eleven()
    {
        var ledger = Ledger();
        ledger.Enroll(Request());

        Assert.Equal(11, ledger.Withdraw(WomanNik, Now.AddDays(2)).MonthsRefunded);
    }

    [Fact]
    public void After_the_block_has_run_out_there_is_nothing_to_withdraw_nor_refund()
    {
        var ledger = Ledger();
        ledger.Enroll(Request());

        Assert.False(ledger.TryPlanWithdrawal(IdOf(WomanNik), new DateTimeOffset(2027, 11, 1, 3, 0, 0, TimeSpan.Zero), Operator, out _));
        Assert.Equal(UsualYear, ledger.Committed());
        Assert.Equal(EnrollmentStatus.Ended, ledger.Find(IdOf(WomanNik))!.StatusOn(new DateOnly(2027, 11, 1)));
    }

    [Fact]
    public void An_unknown_or_already_withdrawn_enrolment_cannot_be_withdrawn()
    {
        var ledger = Ledger();
        ledger.Enroll(Request());
        ledger.Withdraw(WomanNik, January2027);

        Assert.False(ledger.TryPlanWithdrawal(IdOf(WomanNik), January2027, Operator, out _));
        Assert.False(ledger.TryPlanWithdrawal(IdOf(ManNik), January2027, Operator, out _));
    }

    [Fact]
    public void Coming_back_after_a_withdrawal_starts_a_fresh_block_and_keeps_what_was_spent()
    {
        var ledger = Ledger().With2027();
        ledger.Enroll(Request());
        ledger.Withdraw(WomanNik, January2027);
        var march = new DateTimeOffset(2027, 3, 2, 3, 0, 0, TimeSpan.Zero);

        var change = ledger.Enroll(Request(), march);

        Assert.Equal(EnrollmentResult.Created, change.Result);
        Assert.True(change.NeedsClaim);
        Assert.Equal(UsualYear, change.BudgetDelta);
        Assert.Equal(new DateOnly(2027, 3, 2), change.After.Latest.Start);
        Assert.Null(change.After.WithdrawnAt);
        Assert.Equal(3 * UsualMonthly, change.After.Blocks[0].Commitment);
        Assert.Equal(3 * UsualMonthly + UsualYear, ledger.Committed());
        Assert.Equal(1, ledger.Covered(new DateOnly(2027, 3, 2)));
    }

    [Fact]
    public void Coming_back_in_the_month_of_the_withdrawal_does_not_pay_that_month_twice()
    {
        var ledger = Ledger().With2027();
        ledger.Enroll(Request());
        ledger.Withdraw(WomanNik, January2027);          // November to January stay paid
        var laterInJanuary = January2027.AddDays(10);

        var change = ledger.Enroll(Request(), laterInJanuary);

        Assert.Equal(new DateOnly(2027, 2, 1), change.After.Latest.FirstMonth);
        Assert.Equal(new DateOnly(2027, 1, 20), change.After.Latest.Start); // covered again at once: January is paid
        Assert.Equal(3 * UsualMonthly + UsualYear, ledger.Committed());
    }

    [Fact]
    public void A_village_without_a_programme_has_not_started()
    {
        Assert.Equal(VillageStatus.NotStarted, LedgerWithoutProgram().StatusOn(Today));
        Assert.Equal(0, LedgerWithoutProgram().Available());
    }

    [Fact]
    public void The_target_is_a_goal_not_a_cap()
    {
        var ledger = Ledger(Campaign(targetWorkers: 2));
        Assert.Equal(VillageStatus.Active, ledger.StatusOn(Today));

        ledger.Enroll(Request(Worker(1)));
        Assert.Equal(VillageStatus.Active, ledger.StatusOn(Today));
        ledger.Enroll(Request(Worker(2)));
        Assert.Equal(VillageStatus.AtTarget, ledger.StatusOn(Today));
        var third = ledger.Enroll(Request(Worker(3)));

        Assert.Equal(EnrollmentResult.Created, third.Result);
        Assert.Equal(3, ledger.Covered());
        Assert.Equal(VillageStatus.AtTarget, ledger.StatusOn(Today));
    }

    [Fact]
    public void A_withdrawal_below_the_target_makes_the_village_active_again()
    {
        var ledger = Ledger(Campaign(targetWorkers: 1));
        ledger.Enroll(Request());
        Assert.Equal(VillageStatus.AtTarget, ledger.StatusOn(Today));

        ledger.Withdraw(WomanNik, Now.AddDays(2));

        Assert.Equal(VillageStatus.Active, ledger.StatusOn(Today.AddDays(2)));
    }

    [Fact]
    public void A_ledger_rebuilt_from_stored_enrolments_has_the_same_totals()
    {
        var ledger = Ledger();
        ledger.Enroll(Request(Worker(1)));
        ledger.Enroll(Request(Worker(2), income: 2_000_000));
        ledger.Enroll(Request(Worker(3)));
        ledger.Withdraw(Worker(3), January2027);

        var rebuilt = new VillageLedger(VillageCode, ledger.Programmes, ledger.Enrollments);

        var january10 = new DateOnly(2027, 1, 10);
        Assert.Equal(
            (ledger.Committed(), ledger.Covered(january10), ledger.MonthlyPremiums(january10), ledger.Count),
            (rebuilt.Committed(), rebuilt.Covered(january10), rebuilt.MonthlyPremiums(january10), rebuilt.Count));
        Assert.Equal(UsualYear + 12 * 26_800 + 3 * UsualMonthly, rebuilt.Committed());
        Assert.Equal(2, rebuilt.Covered(january10));
    }
}
