using Microsoft.Extensions.Time.Testing;
using Villages.Tests.Api;

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

/// <summary>Reading a region's live figures once they have moved to the test clock's day.</summary>
public static class MovedFigures
{
    /// <summary>
    /// The region's totals ("ID": the nation) once its figures are complete, for the clock's day (WIB),
    /// and <paramref name="done"/> holds; fails after 20 s with the last answer.
    /// </summary>
    public static async Task<System.Text.Json.JsonElement> FiguresAsync(this ApiHost host, TimeProvider clock, string region,
        Func<System.Text.Json.JsonElement, bool> done)
    {
        var path = region == "ID" ? "/api/progress" : $"/api/progress/{region}";
        var today = Villages.Domain.CoverageCalendar.LocalDate(clock.GetUtcNow()).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        System.Text.Json.JsonElement progress;
        do
        {
            progress = await (await host.Anonymous.GetAsync(path)).Json();
            if (progress.GetProperty("complete").GetBoolean() && progress.GetProperty("day").GetString() == today && done(progress.GetProperty("totals")))
            {
                return progress.GetProperty("totals");
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"{region}'s figures did not move to {today}: {progress}");
        return progress;
    }
}
