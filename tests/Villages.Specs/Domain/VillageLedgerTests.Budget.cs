using Villages.Domain;
using Villages.Regions;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

/// <summary>The budget: what is left, what is needed, and the programme that sets it.</summary>
public partial class VillageLedgerTests
{
    [Fact]
    public void A_budget_of_20160000_pays_exactly_100_workers_for_a_year()
    {
        var ledger = Ledger();
        for (var serial = 1; serial <= 100; serial++) ledger.Enroll(Request(Worker(serial)));

        var failure = ledger.Refusal(Request(Worker(101)));

        Assert.Equal(20_160_000, ledger.Committed());
        Assert.Equal(FailureCode.BudgetExceeded, failure.Code);
        Assert.Equal(0, failure.Remaining);
        Assert.Equal(UsualYear, failure.Needed);
    }

    [Fact]
    public void A_refusal_for_budget_says_what_is_left_and_what_is_needed()
    {
        var ledger = Ledger(Campaign(budget: 300_000));
        ledger.Enroll(Request(Worker(1)));

        var failure = ledger.Refusal(Request(Worker(2)));

        Assert.Equal((98_400L, UsualYear), (failure.Remaining, failure.Needed));
        Assert.Contains("Rp98,400", failure.Detail);
        Assert.Contains("Rp201,600", failure.Detail);
        Assert.Contains("2026 SD programme", failure.Detail);
    }

    [Fact]
    public void Money_reserved_for_enrolments_in_flight_is_not_promised_twice()
    {
        var ledger = Ledger(Campaign(budget: 2 * UsualYear));
        ledger.Reserve(ledger.Plan(Request(Worker(1))));
        ledger.Reserve(ledger.Plan(Request(Worker(2))));

        var failure = ledger.Refusal(Request(Worker(3)));

        Assert.Equal((0L, UsualYear), (failure.Remaining, failure.Needed));
        Assert.Equal(2 * UsualYear, ledger.Committed() + ledger.Reserved());
    }

    [Fact]
    public void Committed_and_reserved_never_exceed_the_budget_however_workers_arrive()
    {
        var program = Campaign(budget: 1_000_000);
        var ledger = Ledger(program);
        for (var serial = 1; serial <= 10; serial++)
        {
            var income = serial % 2 == 0 ? 2_000_000 : LowestIncome;
            if (ledger.TryPlan(Request(Worker(serial), income), Now, out var change, out _))
            {
                ledger.Reserve(change);
                if (serial % 3 != 0) ledger.Apply(change);
            }
            Assert.InRange(ledger.Committed() + ledger.Reserved(), 0, program.BudgetAllocated);
        }
        Assert.True(ledger.Available() < UsualYear);
    }

    [Fact]
    public void A_raise_that_the_budget_cannot_cover_is_refused_and_the_enrolment_stays()
    {
        var ledger = Ledger(Campaign(budget: UsualYear));
        var before = ledger.Enroll(Request()).After;

        var failure = ledger.Refusal(Request(income: 2_000_000));

        Assert.Equal(FailureCode.BudgetExceeded, failure.Code);
        Assert.Equal((0L, 120_000L), (failure.Remaining, failure.Needed));
        Assert.Same(before, ledger.Find(IdOf(WomanNik)));
    }

    [Fact]
    public void A_lower_income_is_always_allowed_and_returns_money_to_the_budget()
    {
        var ledger = Ledger(Campaign(budget: 12 * 26_800));
        ledger.Enroll(Request(income: 2_000_000));
        Assert.Equal(0, ledger.Available());

        var change = ledger.Enroll(Request(income: LowestIncome));

        Assert.Equal(EnrollmentResult.Repriced, change.Result);
        Assert.Equal(-120_000, change.BudgetDelta);
        Assert.Equal(UsualYear, ledger.Committed());
        Assert.Equal(120_000, ledger.Available());
    }

    [Fact]
    public void A_village_opens_its_programme_and_may_raise_its_budget()
    {
        var ledger = LedgerWithoutProgram();

        Assert.Null(ledger.ChangeProgram(Campaign(), VillageKind.Desa));
        Assert.Null(ledger.ChangeProgram(Campaign(budget: 30_000_000), VillageKind.Desa));

        Assert.Equal(30_000_000, ledger.Programme(Year2026())!.Terms.BudgetAllocated);
    }

    [Fact]
    public void The_budget_cannot_be_lowered_below_what_is_committed_and_reserved()
    {
        var ledger = Ledger();
        ledger.Enroll(Request(Worker(1)));
        ledger.Reserve(ledger.Plan(Request(Worker(2))));

        var failure = ledger.ChangeProgram(Campaign(budget: UsualYear), VillageKind.Desa);

        Assert.NotNull(failure);
        Assert.Equal(FailureCode.BudgetBelowCommitted, failure.Code);
        Assert.Equal((2 * UsualYear, UsualYear), (failure.Needed, failure.Remaining));
        Assert.Equal(20_160_000, ledger.Programme(Year2026())!.Terms.BudgetAllocated);
        Assert.Null(ledger.ChangeProgram(Campaign(budget: 2 * UsualYear), VillageKind.Desa));
    }

    [Fact]
    public void A_kelurahan_cannot_be_funded_from_a_village_budget()
    {
        var ledger = Ledger(Campaign(funding: FundingSource.SA));

        var failure = ledger.ChangeProgram(Campaign(funding: FundingSource.SD), VillageKind.Kelurahan);

        Assert.Equal(FailureCode.FundingSourceNotAllowed, failure?.Code);
        Assert.Equal([FundingSource.SA], ledger.Programmes.Select(static p => p.Key.Funder));
    }
}
