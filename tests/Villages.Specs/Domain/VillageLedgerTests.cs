using Villages.Domain;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

/// <summary>Enrolling, reserving, re-pricing and updating a worker.</summary>
public partial class VillageLedgerTests
{
    [Fact]
    public void A_village_without_a_programme_cannot_enrol()
    {
        var failure = LedgerWithoutProgram().Refusal(Request());

        Assert.Equal(FailureCode.ProgramNotOpen, failure.Code);
        Assert.Contains(VillageCode, failure.Detail);
    }

    [Fact]
    public void Enrolling_commits_the_monthly_premium_for_every_month_of_the_block()
    {
        var ledger = Ledger();

        var change = ledger.Enroll(Request());

        Assert.Equal(EnrollmentResult.Created, change.Result);
        Assert.Equal(UsualYear, change.BudgetDelta);
        Assert.Equal(UsualYear, ledger.Committed());
        Assert.Equal(0, ledger.Reserved());
        Assert.Equal(20_160_000 - UsualYear, ledger.Available());
        Assert.Equal(1, ledger.Covered());
        Assert.Equal(UsualMonthly, ledger.MonthlyPremiums());
    }

    [Fact]
    public void Coverage_runs_from_the_registration_day_to_the_end_of_the_last_paid_month()
    {
        var enrollment = Ledger(Campaign(months: 6)).Enroll(Request()).After;

        Assert.Equal(new DateOnly(2026, 11, 25), enrollment.Latest.Start);
        Assert.Equal(new DateOnly(2026, 11, 1), enrollment.Latest.FirstMonth);
        Assert.Equal(new DateOnly(2027, 4, 30), enrollment.Latest.End);
        Assert.Equal(6 * UsualMonthly, enrollment.Commitment);
        Assert.Equal(EnrollmentStatus.Active, enrollment.StatusOn(Today));
        Assert.Equal(Now, enrollment.EnrolledAt);
    }

    [Fact]
    public void A_plan_holds_money_only_once_reserved_and_returns_it_when_cancelled()
    {
        var ledger = Ledger();

        var change = ledger.Plan(Request());
        Assert.Equal((0L, 0L), (ledger.Committed(), ledger.Reserved()));

        ledger.Reserve(change);
        Assert.Equal((0L, UsualYear), (ledger.Committed(), ledger.Reserved()));
        Assert.Equal(20_160_000 - UsualYear, ledger.Available());

        ledger.CancelReservation(change);
        Assert.Equal((0L, 0L), (ledger.Committed(), ledger.Reserved()));
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void Applying_a_reserved_plan_moves_its_money_from_reserved_to_committed()
    {
        var ledger = Ledger();
        var change = ledger.Plan(Request());
        ledger.Reserve(change);

        ledger.Apply(change);

        Assert.Equal((UsualYear, 0L), (ledger.Committed(), ledger.Reserved()));
        Assert.True(ledger.HoldsWorker(Keys.RegistryKey(WomanNik), Today));
        Assert.Same(change.After, ledger.Find(IdOf(WomanNik)));
    }

    [Fact]
    public void The_same_request_twice_changes_nothing_and_charges_nothing()
    {
        var ledger = Ledger();
        var first = ledger.Enroll(Request(agent: "PRS-001"));

        var again = ledger.Plan(Request(agent: "PRS-001"));

        Assert.Equal(EnrollmentResult.Unchanged, again.Result);
        Assert.Equal(0, again.BudgetDelta);
        Assert.False(again.ChangesState);
        Assert.False(again.NeedsClaim);
        Assert.Same(first.After, again.After);
        Assert.True(first.NeedsClaim);
    }

    [Fact]
    public void Leaving_out_the_agent_keeps_the_agent_already_recorded()
    {
        var ledger = Ledger();
        ledger.Enroll(Request(agent: "PRS-001"));

        Assert.Equal(EnrollmentResult.Unchanged, ledger.Plan(Request()).Result);
    }

    [Fact]
    public void A_higher_income_reprices_the_block_by_the_difference()
    {
        var ledger = Ledger();
        ledger.Enroll(Request());
        var later = Now.AddDays(3);

        var change = ledger.Enroll(Request(income: 2_000_000), later);

        Assert.Equal(EnrollmentResult.Repriced, change.Result);
        Assert.Equal(12 * 10_000, change.BudgetDelta);
        Assert.Equal(26_800, change.After.Latest.MonthlyPremium);
        Assert.Equal(12 * 26_800, ledger.Committed());
        Assert.Equal(26_800, ledger.MonthlyPremiums());
        Assert.Equal((Now, later), (change.After.EnrolledAt, change.After.UpdatedAt));
        Assert.Equal(change.Before!.Latest.Start, change.After.Latest.Start);
    }

    [Fact]
    public void Adding_jht_reprices_by_its_2_percent_for_every_month()
    {
        var ledger = Ledger();
        ledger.Enroll(Request());

        var change = ledger.Enroll(Request(programs: Usual | Programs.Jht));

        Assert.Equal(EnrollmentResult.Repriced, change.Result);
        Assert.Equal(12 * 20_000, change.BudgetDelta);
        Assert.Equal(12 * 36_800, ledger.Committed());
    }

    [Theory]
    [InlineData("Siti Aminah Lubis", "nelayan", null)]
    [InlineData("Siti Aminah", "petani", null)]
    [InlineData("Siti Aminah", "nelayan", "PRS-002")]
    public void Changing_only_the_name_occupation_or_agent_updates_without_charging(string name, string occupation, string? agent)
    {
        var ledger = Ledger();
        ledger.Enroll(Request(agent: "PRS-001"));

        var change = ledger.Enroll(Request(name: name, occupation: occupation, agent: agent));

        Assert.Equal(EnrollmentResult.Updated, change.Result);
        Assert.Equal(0, change.BudgetDelta);
        Assert.Equal((name, occupation, agent ?? "PRS-001"), (change.After.Name, change.After.Occupation, change.After.AgentId));
        Assert.Equal(UsualYear, ledger.Committed());
    }
}
