using System.Collections.Immutable;

namespace Villages;

/// <summary>A PERISAI agent's results in a region: active enrolments and their monthly premiums.</summary>
[GenerateSerializer, Immutable, Alias("Villages.AgentResult")]
public sealed record AgentResult(
    [property: Id(0)] string AgentId,
    [property: Id(1)] int Enrollments,
    [property: Id(2)] long MonthlyPremiums);

/// <summary>A village behind its target: how many workers it still lacks.</summary>
[GenerateSerializer, Immutable, Alias("Villages.LaggingVillage")]
public sealed record LaggingVillage(
    [property: Id(0)] string Code,
    [property: Id(1)] int TargetWorkers,
    [property: Id(2)] int WorkersEnrolled)
{
    public int Shortfall => TargetWorkers - WorkersEnrolled;
}

/// <summary>
/// What a region (or one village) adds to the figures of the region above it. Every field sums;
/// the lists keep only the most telling entries (top agents, most lagging villages).
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.RegionFigures")]
public sealed record RegionFigures(
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
    [property: Id(10)] ImmutableArray<LaggingVillage> MostLagging)
{
    public static readonly RegionFigures Zero = new(0, 0, 0, 0, 0, 0, 0,
        ImmutableSortedDictionary<string, int>.Empty, ImmutableSortedDictionary<DateOnly, int>.Empty, [], []);
}

/// <summary>A child's figures as its parent last heard them, with the version that orders reports.</summary>
[GenerateSerializer, Immutable, Alias("Villages.ChildReport")]
public sealed record ChildReport(
    [property: Id(0)] string Code,
    [property: Id(1)] RegionFigures Figures,
    [property: Id(2)] long Version);

/// <summary>A region's progress: its own figures and each child region's, answered from memory.</summary>
[GenerateSerializer, Immutable, Alias("Villages.RegionProgress")]
public sealed record RegionProgress(
    [property: Id(0)] string Code,
    [property: Id(1)] RegionFigures Figures,
    [property: Id(2)] ImmutableArray<ChildReport> Children,
    [property: Id(3)] long Version,
    [property: Id(4)] DateTimeOffset AsOf,
    [property: Id(5)] bool Complete);

[GenerateSerializer, Immutable, Alias("Villages.VillageCodePage")]
public sealed record VillageCodePage(
    [property: Id(0)] ImmutableArray<string> Codes,
    [property: Id(1)] int Total);
