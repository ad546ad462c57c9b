namespace Villages.Domain;

/// <summary>
/// Coverage is counted in calendar months of Western Indonesia Time (WIB, UTC+7), the time of the
/// BPJS payment calendar: an enrolment covers its first month and the months after it, and a month
/// has begun from its first day, 00:00 WIB.
/// </summary>
public static class CoverageCalendar
{
    public static readonly TimeSpan Wib = TimeSpan.FromHours(7);

    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Wib).DateTime);

    /// <summary>The first day of the month that contains <paramref name="instant"/>, in WIB.</summary>
    public static DateOnly MonthOf(DateTimeOffset instant)
    {
        var date = LocalDate(instant);
        return new DateOnly(date.Year, date.Month, 1);
    }

    /// <summary>The last day covered by a block of months starting at <paramref name="start"/>.</summary>
    public static DateOnly End(DateOnly start, int months) => start.AddMonths(months).AddDays(-1);

    /// <summary>How many of the <paramref name="months"/> starting at <paramref name="start"/> have begun by <paramref name="now"/>.</summary>
    public static int MonthsBegun(DateOnly start, int months, DateTimeOffset now)
    {
        var current = MonthOf(now);
        var elapsed = (current.Year - start.Year) * 12 + current.Month - start.Month + 1;
        return Math.Clamp(elapsed, 0, months);
    }
}
