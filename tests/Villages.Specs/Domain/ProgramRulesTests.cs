using Villages.Domain;
using Villages.Regions;
using Xunit;
using static Villages.Specs.Domain.TestData;

namespace Villages.Specs.Domain;

public class ProgramRulesTests
{
    private static Failure? Check(ProgramTerms terms, VillageKind kind = VillageKind.Desa, long committed = 0) =>
        ProgramChecks.Check(Year2026(Enum.IsDefined(terms.FundingSource) ? terms.FundingSource : FundingSource.SD), terms, kind, committed);

    private static void AssertInvalid(ProgramTerms terms, string field)
    {
        var failure = Check(terms);
        Assert.NotNull(failure);
        Assert.Equal(FailureCode.InvalidProgram, failure.Code);
        Assert.Equal(field, failure.Field);
    }

    [Fact]
    public void The_campaigns_usual_programme_is_accepted_for_a_desa()
    {
        Assert.Null(Check(Campaign()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(10_000)]
    public void A_target_from_1_to_10000_workers_is_accepted(int target)
    {
        Assert.Null(Check(Campaign(targetWorkers: target)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-100)]
    [InlineData(10_001)]
    public void A_target_outside_1_to_10000_is_refused(int target)
    {
        AssertInvalid(Campaign(targetWorkers: target), "targetWorkers");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-20_160_000)]
    [InlineData(100_000_000_001)]
    public void A_budget_that_is_not_positive_or_is_absurd_is_refused(long budget)
    {
        AssertInvalid(Campaign(budget: budget), "budgetAllocated");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100_000_000_000)]
    public void Any_positive_budget_up_to_100_billion_is_accepted(long budget)
    {
        Assert.Null(Check(Campaign(budget: budget)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(12)]
    public void Coverage_of_1_to_12_months_is_accepted(int months)
    {
        Assert.Null(Check(Campaign(months: months)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(24)]
    public void Coverage_outside_one_budget_year_is_refused(int months)
    {
        AssertInvalid(Campaign(months: months), "coverageMonths");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void An_unknown_funding_source_is_refused(int code)
    {
        AssertInvalid(Campaign(funding: (FundingSource)code), "fundingSource");
    }

    [Fact]
    public void A_kelurahan_cannot_fund_premiums_from_a_village_budget_it_does_not_have()
    {
        var failure = Check(Campaign(funding: FundingSource.SD), VillageKind.Kelurahan);

        Assert.NotNull(failure);
        Assert.Equal(FailureCode.FundingSourceNotAllowed, failure.Code);
        Assert.Equal("fundingSource", failure.Field);
        Assert.Contains("SA", failure.Detail);
    }

    [Theory]
    [InlineData(VillageKind.Kelurahan, FundingSource.SA)]
    [InlineData(VillageKind.Kelurahan, FundingSource.SL)]
    [InlineData(VillageKind.Desa, FundingSource.SD)]
    [InlineData(VillageKind.Desa, FundingSource.SA)]
    [InlineData(VillageKind.DesaAdat, FundingSource.SD)]
    public void Each_kind_of_village_may_use_the_budgets_it_has(VillageKind kind, FundingSource funding)
    {
        Assert.Null(Check(Campaign(funding: funding), kind));
    }

    [Fact]
    public void The_budget_cannot_go_below_what_is_committed_and_says_both_amounts()
    {
        var failure = Check(Campaign(budget: 10_000_000), committed: 10_080_000);

        Assert.NotNull(failure);
        Assert.Equal(FailureCode.BudgetBelowCommitted, failure.Code);
        Assert.Equal("budgetAllocated", failure.Field);
        Assert.Equal(10_080_000, failure.Needed);
        Assert.Equal(10_000_000, failure.Remaining);
        Assert.Contains("Rp10,080,000", failure.Detail);
    }

    [Fact]
    public void The_budget_may_come_down_to_exactly_what_is_committed()
    {
        Assert.Null(Check(Campaign(budget: 10_080_000), committed: 10_080_000));
    }

    [Theory]
    [InlineData(VillageKind.Kelurahan, FundingSource.SA)]
    [InlineData(VillageKind.Desa, FundingSource.SD)]
    [InlineData(VillageKind.DesaAdat, FundingSource.SD)]
    public void Without_a_funding_source_a_village_uses_its_own_kind_of_budget(VillageKind kind, FundingSource funding)
    {
        Assert.Equal(funding, ProgramRules.DefaultFunding(kind));
    }
}
