using Villages.Domain;
using Xunit;

namespace Villages.Specs.Domain;

/// <summary>Coverage months are months of Western Indonesia Time (WIB, UTC+7).</summary>
public class CoverageCalendarTests
{
    private static readonly DateOnly November2026 = new(2026, 11, 1);

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso + "Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Six_in_the_evening_utc_on_30_november_is_already_1_december_in_wib()
    {
        var instant = Utc("2026-11-30T18:00:00");

        Assert.Equal(new DateOnly(2026, 12, 1), CoverageCalendar.LocalDate(instant));
        Assert.Equal(new DateOnly(2026, 12, 1), CoverageCalendar.MonthOf(instant));
    }

    [Fact]
    public void One_second_before_midnight_wib_is_still_november()
    {
        Assert.Equal(November2026, CoverageCalendar.MonthOf(Utc("2026-11-30T16:59:59")));
        Assert.Equal(new DateOnly(2026, 12, 1), CoverageCalendar.MonthOf(Utc("2026-11-30T17:00:00")));
    }

    [Fact]
    public void An_instant_reported_in_another_time_zone_falls_in_the_same_wib_month()
    {
        // 08:30 WIT (UTC+9) on 1 December is 06:30 WIB the same day.
        var jayapura = new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.FromHours(9));
        // 23:30 UTC on 30 November is 06:30 WIB on 1 December.
        var london = new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 12, 1), CoverageCalendar.MonthOf(jayapura));
        Assert.Equal(new DateOnly(2026, 12, 1), CoverageCalendar.MonthOf(london));
    }

    [Fact]
    public void The_new_year_in_wib_starts_at_five_in_the_evening_utc()
    {
        Assert.Equal(new DateOnly(2027, 1, 1), CoverageCalendar.MonthOf(Utc("2026-12-31T17:00:00")));
    }

    [Theory]
    [InlineData("2026-11-01", 12, "2027-10-31")]
    [InlineData("2026-11-01", 6, "2027-04-30")]
    [InlineData("2026-11-01", 1, "2026-11-30")]
    [InlineData("2027-01-01", 2, "2027-02-28")]
    [InlineData("2028-01-01", 2, "2028-02-29")]
    [InlineData("2027-01-01", 12, "2027-12-31")]
    public void A_block_of_months_ends_on_the_last_day_of_its_last_month(string start, int months, string end)
    {
        Assert.Equal(DateOnly.Parse(end), CoverageCalendar.End(DateOnly.Parse(start), months));
    }

    [Theory]
    [InlineData("2026-11-25T03:00:00", 1)]  // the start month has begun
    [InlineData("2026-10-31T16:59:59", 0)]  // 23:59:59 WIB on 31 October: nothing begun yet
    [InlineData("2026-10-31T17:00:00", 1)]  // 00:00 WIB on 1 November
    [InlineData("2026-11-30T18:00:00", 2)]  // already December in WIB
    [InlineData("2027-01-10T03:00:00", 3)]  // November, December, January
    [InlineData("2027-10-31T03:00:00", 12)]
    [InlineData("2028-06-01T03:00:00", 12)] // long after: never more than the block
    [InlineData("2025-01-01T03:00:00", 0)]  // before the block: never negative
    public void Months_begun_counts_the_start_month_and_each_month_from_its_first_day(string now, int begun)
    {
        Assert.Equal(begun, CoverageCalendar.MonthsBegun(November2026, 12, Utc(now)));
    }
}
