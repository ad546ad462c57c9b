using Microsoft.Extensions.Time.Testing;

namespace Villages.Tests.Infrastructure;

/// <summary>A domain clock for a service the test runs, moved through days, a year end, a jump of months.</summary>
public static class MovableClock
{
    /// <summary>25 November 2026, 10:00 WIB.</summary>
    public static FakeTimeProvider At25November2026() => new(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

    /// <summary>Moves the clock to a moment of a day in WIB.</summary>
    public static void SetWib(this FakeTimeProvider clock, int year, int month, int day, int hour = 0, int minute = 0, int second = 5) =>
        clock.SetUtcNow(new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromHours(7)));

    /// <summary>Rollups look at the domain clock twice a second, so the figures move right after the test moves it.</summary>
    public static readonly IReadOnlyDictionary<string, string?> WatchedOften = new Dictionary<string, string?>
    {
        ["Villages:Progress:DayCheck"] = "00:00:00.500",
    };
}
