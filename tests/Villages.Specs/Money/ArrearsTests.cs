using Villages.Domain;
using Villages.Specs.Domain;
using static Villages.Specs.Money.MoneyData;

namespace Villages.Specs.Money;

/// <summary>More than three months in arrears end a membership at midnight; a branch reinstates it.</summary>
public class ArrearsTests
{
    // Workers enrolled on 5 January 2026: January is due on the 15th, February on the 18th (Imlek),
    // March on the 16th, April on the 15th: unpaid, the fourth month in arrears comes at midnight
    // after 15 April.
    private static VillageLedger Unpaid()
    {
        var ledger = Ledger();
        ledger.EnrollOn(At(2026, 1, 5), 1, 2);
        return ledger;
    }

    [Fact]
    public void The_fourth_month_in_arrears_ends_the_membership_at_midnight_after_its_due_date()
    {
        var ledger = Unpaid();

        Assert.Equal(EnrollmentStatus.Active, ledger.StatusOf(1, Day(2026, 4, 15)));
        Assert.Equal(EnrollmentStatus.Terminated, ledger.StatusOf(1, Day(2026, 4, 16)));
        var ended = ledger.Projected.First().Blocks[0];
        Assert.Equal((Day(2026, 4, 16), Day(2026, 4, 15)), (ended.StoppedOn, ended.End));
    }

    [Fact]
    public void Settling_records_the_termination_in_the_audit_trail_dated_at_that_midnight_and_frees_the_worker()
    {
        var ledger = Unpaid();
        Assert.Empty(ledger.Settle(At(2026, 4, 15)));

        var settled = ledger.Settle(At(2026, 6, 1)); // the village slept through April's midnight

        Assert.Equal(2, settled.Count);
        var entry = settled[0].History[^1];
        Assert.Equal((ChangeKind.Terminated, CoverageCalendar.StartOf(Day(2026, 4, 16))), (entry.Kind, entry.At));
        Assert.Contains("berakhir kepesertaan", entry.What);
        Assert.False(ledger.HoldsWorker(settled[0].NikKey, Day(2026, 6, 1)));
        Assert.Empty(ledger.Settle(At(2026, 6, 2))); // once
        // Only the months begun before the termination are owed.
        Assert.Equal(Month(2026, 4), ledger.Dues().Months[^1].Month);
    }

    [Fact]
    public void A_payment_recorded_before_the_midnight_keeps_the_membership_and_moves_the_end_to_the_next_due_date()
    {
        var ledger = Unpaid();
        ledger.Pay("JAN", At(2026, 4, 15), 33_600, Month(2026, 1));

        Assert.Equal(EnrollmentStatus.Active, ledger.StatusOf(1, Day(2026, 4, 16)));
        // May is due on the 18th (15th cuti bersama, then the weekend): February to May then make four.
        Assert.Equal(EnrollmentStatus.Active, ledger.StatusOf(1, Day(2026, 5, 18)));
        Assert.Equal(EnrollmentStatus.Terminated, ledger.StatusOf(1, Day(2026, 5, 19)));
    }

    [Fact]
    public void A_projection_read_before_a_payment_moves_with_it_although_the_enrolments_did_not_change()
    {
        var ledger = Unpaid();
        Assert.Equal(Day(2026, 4, 16), ledger.Projected.First().Blocks[0].StoppedOn);

        ledger.Pay("JAN", At(2026, 4, 15), 33_600, Month(2026, 1));
        Assert.Equal(Day(2026, 5, 19), ledger.Projected.First().Blocks[0].StoppedOn);

        ledger.Pay("FEB-MAY", At(2026, 4, 15), 4 * 33_600, Month(2026, 2), Month(2026, 3), Month(2026, 4), Month(2026, 5));
        Assert.Equal(EnrollmentStatus.Active, ledger.StatusOf(1, Day(2026, 5, 19)));
        Assert.Equal(EnrollmentStatus.Active, ledger.StatusOf(2, Day(2026, 5, 19)));
        Assert.NotEqual(Day(2026, 5, 19), ledger.Projected.First().Blocks[0].StoppedOn);
    }

    [Fact]
    public void A_payment_recorded_after_the_midnight_does_not_undo_the_termination()
    {
        var ledger = Unpaid();
        ledger.Pay("LATE", At(2026, 4, 16), 4 * 33_600, Month(2026, 1), Month(2026, 2), Month(2026, 3), Month(2026, 4));

        Assert.Equal(EnrollmentStatus.Terminated, ledger.StatusOf(1, Day(2026, 4, 16)));
        Assert.Equal(0, ledger.Dues().InArrearsOn(Day(2026, 4, 16)));
    }

    [Fact]
    public void A_worker_enrolled_later_counts_only_their_own_months()
    {
        var ledger = Unpaid();
        ledger.EnrollOn(At(2026, 3, 2), 3); // owes March on: four of theirs are late only after June's due date

        Assert.Equal(EnrollmentStatus.Terminated, ledger.StatusOf(1, Day(2026, 4, 16)));
        Assert.Equal(EnrollmentStatus.Active, ledger.StatusOf(3, Day(2026, 6, 15)));
        Assert.Equal(EnrollmentStatus.Terminated, ledger.StatusOf(3, Day(2026, 6, 16)));
    }

    [Fact]
    public void Reinstatement_is_refused_while_still_in_arrears_and_restores_the_block_once_paid()
    {
        var ledger = Unpaid();
        ledger.Settle(At(2026, 4, 20));
        var id = TestData.IdOf(TestData.Worker(1));

        Assert.Equal(ReinstatementResult.StillInArrears, ledger.PlanReinstatement(id, 2026, "dana desa tahap 1 cair", At(2026, 4, 20), TestData.Operator, out _, out var detail));
        Assert.Contains("record the late payment first", detail);

        ledger.Pay("TAHAP-1", At(2026, 4, 20), 4 * 33_600, Month(2026, 1), Month(2026, 2), Month(2026, 3), Month(2026, 4));
        Assert.Equal(ReinstatementResult.Reinstated, ledger.PlanReinstatement(id, 2026, "dana desa tahap 1 cair", At(2026, 4, 20), TestData.Operator, out var change, out _));
        Assert.True(change.NeedsClaim);
        ledger.Apply(change);

        Assert.Equal(EnrollmentStatus.Active, ledger.StatusOf(1, Day(2026, 4, 20)));
        Assert.Equal(Day(2026, 4, 20), ledger.Find(id)!.Blocks[0].ReinstatedOn);
        Assert.Equal(ChangeKind.Reinstated, ledger.Find(id)!.History[^1].Kind);
        Assert.Equal(ReinstatementResult.NotTerminated, ledger.PlanReinstatement(id, 2026, "again", At(2026, 4, 21), TestData.Operator, out _, out _));
        // May unpaid: the worker is judged again from the reinstatement on (one month late is allowed).
        Assert.Equal(EnrollmentStatus.Active, ledger.StatusOf(1, Day(2026, 5, 19)));
    }

    [Fact]
    public void A_programme_of_the_first_release_counts_as_prepaid_and_never_ends_for_arrears()
    {
        var ledger = Ledger(prepaid: true);
        ledger.EnrollOn(At(2026, 1, 5), 1);

        Assert.Equal(EnrollmentStatus.Active, ledger.StatusOf(1, Day(2026, 12, 31)));
        Assert.All(ledger.Dues().Months, static m => Assert.Equal(MonthStatus.Paid, m.StatusOn(Day(2026, 12, 31))));
    }

    [Fact]
    public void Without_refunds_a_withdrawal_keeps_the_prepaid_months_committed_and_owed()
    {
        var ledger = Ledger(Shipped with { RefundUnbegunMonths = false });
        ledger.EnrollOn(At(2026, 1, 5), 1);

        var withdrawal = ledger.Withdraw(TestData.Worker(1), At(2026, 3, 10));

        Assert.Equal((0L, 0), (withdrawal.Refund, withdrawal.MonthsRefunded));
        Assert.Equal(12 * 16_800, ledger.Committed(TestData.Year2026()));
        Assert.Equal(12, ledger.Dues().Months.Length);
    }

    [Fact]
    public void The_figures_move_at_the_due_dates_and_the_terminations_with_nothing_written()
    {
        var ledger = Unpaid();
        var options = new FigureOptions();
        var report = Figures.Report(TestData.VillageCode, ledger, Day(2026, 1, 10), 1, options);

        var january = Figures.VillageOn(report, Day(2026, 1, 10), options).Workers;
        Assert.Equal((33_600L, 0L, 0), (january.Money.AmountDueThisMonth, january.Money.AmountInArrears, january.Money.WorkersInArrears));
        var late = Figures.VillageOn(report, Day(2026, 1, 16), options);
        Assert.Equal((33_600L, 2, 1, 1), (late.Workers.Money.AmountInArrears, late.Workers.Money.WorkersInArrears, late.Workers.Money.MonthsInArrears, late.Workers.Money.VillagesInArrears));
        Assert.Equal(TestData.VillageCode, Assert.Single(late.MostInArrears).Code);
        var ended = Figures.VillageOn(report, Day(2026, 4, 16), options).Workers;
        Assert.Equal((0, 2, 4 * 33_600L), (ended.WorkersCovered, ended.Money.TerminatedThisYear, ended.Money.AmountInArrears));
        Assert.Equal(0, Figures.VillageOn(report, Day(2027, 1, 1), options).Workers.Money.TerminatedThisYear);
    }
}
