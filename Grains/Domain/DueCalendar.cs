using System.Collections.Frozen;

namespace Villages.Domain;

/// <summary>
/// When a month's contributions are due to BPJS: the due day of that month (the 15th), or the next
/// working day when it falls on a weekend, a national holiday or a joint leave day (cuti bersama).
/// The holidays are data (data/holidays/*.csv), not code: a new government decree is a new file row.
/// </summary>
public sealed class DueCalendar
{
    private readonly FrozenSet<DateOnly> _holidays;

    public DueCalendar(IEnumerable<DateOnly> holidays, int dueDay = 15)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dueDay, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dueDay, 28);
        _holidays = holidays.ToFrozenSet();
        DueDay = dueDay;
    }

    /// <summary>Weekends only: for specs that do not care about holidays.</summary>
    public static DueCalendar WeekendsOnly { get; } = new([]);

    public int DueDay { get; }

    public IReadOnlyCollection<DateOnly> Holidays => _holidays;

    public bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(day);

    /// <summary>The day the contributions of the month that contains <paramref name="month"/> are due.</summary>
    public DateOnly DueDate(DateOnly month)
    {
        var day = new DateOnly(month.Year, month.Month, DueDay);
        while (!IsWorkingDay(day)) day = day.AddDays(1);
        return day;
    }
}
