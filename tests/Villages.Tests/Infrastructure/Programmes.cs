namespace Villages.Tests.Infrastructure;

/// <summary>Opening programmes as the tests did before budget years: this year's programme, one funder.</summary>
public static class Programmes
{
    public static Task<ProgramChangeOutcome> SetProgram(this IVillageGrain village, ProgramTerms terms, Actor actor, int? year = null) =>
        village.SetPrograms(year, [Request(terms)], actor);

    public static ProgramRequest Request(ProgramTerms terms) =>
        new(terms.TargetWorkers, terms.BudgetAllocated, terms.CoverageMonths, terms.FundingSource.ToString());
}
