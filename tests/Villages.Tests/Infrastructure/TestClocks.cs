using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Villages.Tests.Infrastructure;

/// <summary>
/// Movable domain clocks for in-process silos. Silo configurators are created by reflection, so a
/// cluster finds its clock by an id carried in its configuration.
/// </summary>
public static class TestClocks
{
    public const string ConfigurationKey = "Tests:ClockId";
    private static readonly ConcurrentDictionary<string, FakeTimeProvider> Clocks = new();

    /// <summary>A new clock starting at a fixed, ordinary moment: 25 Nov 2026, 10:00 WIB.</summary>
    public static (string Id, FakeTimeProvider Clock) Create()
    {
        var id = Guid.NewGuid().ToString("N");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));
        Clocks[id] = clock;
        return (id, clock);
    }

    public static FakeTimeProvider Get(string id) => Clocks[id];
}
