using System.Collections.Immutable;

namespace Villages.Progress;

/// <summary>
/// A rollup at rest (state "rollup.2"): its children's last reports. Clean is true only after an
/// orderly deactivation; a rollup that finds it false on activation lost its memory in a crash and
/// rebuilds from its children instead of trusting what it had.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.RegionState.2")]
public sealed record RegionState(
    [property: Id(0)] ImmutableDictionary<string, ChildReport> Children,
    [property: Id(1)] bool Clean)
{
    public static readonly RegionState Empty = new(ImmutableDictionary<string, ChildReport>.Empty, false);
}

/// <summary>
/// A rollup row of the first release (state "rollup"): figures without dates. It is only read to
/// know the region existed; the region then rebuilds from its children in today's shape.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.RegionState")]
public sealed record FirstReleaseRegionState(
    [property: Id(0)] ImmutableDictionary<string, FirstReleaseChildReport> Children,
    [property: Id(1)] bool Clean);

[GenerateSerializer, Immutable, Alias("Villages.ChildReport")]
public sealed record FirstReleaseChildReport(
    [property: Id(0)] string Code,
    [property: Id(1)] FirstReleaseFigures Figures,
    [property: Id(2)] long Version);

[GenerateSerializer, Immutable, Alias("Villages.RegionFigures")]
public sealed record FirstReleaseFigures(
    [property: Id(0)] int VillagesWithProgram,
    [property: Id(1)] int VillagesAtTarget,
    [property: Id(2)] int WorkersEnrolled,
    [property: Id(3)] long WorkerTarget,
    [property: Id(4)] long BudgetAllocated,
    [property: Id(5)] long BudgetCommitted,
    [property: Id(6)] long MonthlyPremiums,
    [property: Id(7)] ImmutableSortedDictionary<string, int> Occupations,
    [property: Id(8)] ImmutableSortedDictionary<DateOnly, int> EnrollmentsPerDay,
    [property: Id(9)] ImmutableArray<AgentResult> TopAgents,
    [property: Id(10)] ImmutableArray<LaggingVillage> MostLagging);
