namespace Villages.Domain;

/// <summary>
/// Dates of the campaign are days of Western Indonesia Time (WIB, UTC+7), the time of the BPJS
/// payment calendar and of village budgets (APBDes: 1 January to 31 December). Coverage starts on
/// the day of registration; contributions pay whole calendar months, from the month of registration
/// on; coverage ends at the end of the last paid month; a month has begun from its first day.
/// </summary>
public static class CoverageCalendar
{
    public static readonly TimeSpan Wib = TimeSpan.FromHours(7);

    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Wib).DateTime);

    /// <summary>The budget year an instant falls in (WIB).</summary>
    public static int Year(DateTimeOffset instant) => LocalDate(instant).Year;

    /// <summary>The first day of the month that contains <paramref name="day"/>.</summary>
    public static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    /// <summary>The first day of the month that contains <paramref name="instant"/>, in WIB.</summary>
    public static DateOnly MonthOf(DateTimeOffset instant) => MonthOf(LocalDate(instant));

    /// <summary>The last day covered by <paramref name="months"/> paid months from <paramref name="firstMonth"/> on.</summary>
    public static DateOnly End(DateOnly firstMonth, int months) => firstMonth.AddMonths(months).AddDays(-1);

    /// <summary>How many of the <paramref name="months"/> paid from <paramref name="firstMonth"/> on have begun by <paramref name="today"/>.</summary>
    public static int MonthsBegun(DateOnly firstMonth, int months, DateOnly today)
    {
        var elapsed = (today.Year - firstMonth.Year) * 12 + today.Month - firstMonth.Month + 1;
        return Math.Clamp(elapsed, 0, months);
    }

    /// <summary>How many of the months have begun by an instant (WIB).</summary>
    public static int MonthsBegun(DateOnly firstMonth, int months, DateTimeOffset now) => MonthsBegun(firstMonth, months, LocalDate(now));

    /// <summary>The first moment of a day in WIB.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Wib);
}
