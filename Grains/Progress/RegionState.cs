using System.Collections.Immutable;

namespace Villages.Progress;

/// <summary>
/// A rollup at rest: its children's last reports. Clean is true only after an orderly
/// deactivation; a rollup that finds it false on activation lost its memory in a crash and
/// rebuilds from its children instead of trusting what it had.
/// </summary>
[GenerateSerializer, Immutable, Alias("Villages.RegionState")]
public sealed record RegionState(
    [property: Id(0)] ImmutableDictionary<string, ChildReport> Children,
    [property: Id(1)] bool Clean)
{
    public static readonly RegionState Empty = new(ImmutableDictionary<string, ChildReport>.Empty, false);
}
