using System.ComponentModel.DataAnnotations;

namespace Villages.Domain;

/// <summary>
/// The money side of a programme (`Villages:Money`): when contributions are due, how many months
/// in arrears end a membership, and whether a withdrawal gives unstarted prepaid months back.
/// </summary>
public sealed class MoneyOptions
{
    public const string Section = "Villages:Money";

    /// <summary>
    /// Holiday files (CSV: date,kind,name,source), read on start; a path is relative to the
    /// application's directory. The shipped file has the 2026 decree and estimates for 2027-2028.
    /// </summary>
    public List<string> HolidayFiles { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultHolidayFiles = ["data/holidays/indonesia.csv"];

    public IReadOnlyList<string> Files => HolidayFiles.Count > 0 ? HolidayFiles : DefaultHolidayFiles;

    /// <summary>The day of the month contributions are due (BPJS: the 15th), moved to the next working day.</summary>
    [Range(1, 28)]
    public int DueDay { get; set; } = 15;

    /// <summary>More months in arrears than this end a worker's membership (BPJS: 3).</summary>
    [Range(1, 24)]
    public int MonthsInArrearsAllowed { get; set; } = 3;

    /// <summary>
    /// Whether a withdrawal returns the prepaid months not yet begun to the budget. It depends on the
    /// agreement with the BPJS branch (unconfirmed, DOMAIN.md); the first release always returned them.
    /// </summary>
    public bool RefundUnbegunMonths { get; set; } = true;

    /// <summary>Rp100 billion: above any programme's year, below what a typo produces.</summary>
    [Range(1, long.MaxValue)]
    public long MaximumPayment { get; set; } = 100_000_000_000;

    /// <summary>A payment reference's longest form (bank references are 16 to 35 characters).</summary>
    [Range(8, 200)]
    public int MaximumReferenceLength { get; set; } = 64;
}

/// <summary>The money rules the ledger applies, built once from <see cref="MoneyOptions"/> and the holiday files.</summary>
public sealed record DuesRules(DueCalendar Calendar, int MonthsInArrearsAllowed, bool RefundUnbegunMonths, long MaximumPayment, int MaximumReferenceLength)
{
    /// <summary>Weekends only, three months, refunds on: the specs' default.</summary>
    public static DuesRules Default { get; } = new(DueCalendar.WeekendsOnly, 3, true, 100_000_000_000, 64);

    public static DuesRules From(MoneyOptions options, IEnumerable<DateOnly> holidays) =>
        new(new DueCalendar(holidays, options.DueDay), options.MonthsInArrearsAllowed, options.RefundUnbegunMonths, options.MaximumPayment, options.MaximumReferenceLength);
}

/// <summary>Reads a holiday file: CSV with a header naming at least a <c>date</c> column (yyyy-MM-dd); other columns are for people.</summary>
public static class HolidayFile
{
    public static IReadOnlyList<DateOnly> Read(TextReader reader, string name)
    {
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{name}: empty; a header row with a 'date' column is expected.");
        var column = Array.FindIndex(header.Split(','), static h => h.Trim().Equals("date", StringComparison.OrdinalIgnoreCase));
        if (column < 0) throw new InvalidDataException($"{name}: the header has no 'date' column.");
        var days = new List<DateOnly>();
        var line = 1;
        for (var row = reader.ReadLine(); row is not null; row = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(row) || row.StartsWith('#')) continue;
            var cells = row.Split(',');
            if (column >= cells.Length || !DateOnly.TryParseExact(cells[column].Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
            {
                throw new InvalidDataException($"{name}, line {line}: '{(column < cells.Length ? cells[column] : "")}' is not a date (yyyy-MM-dd).");
            }
            days.Add(day);
        }
        return days;
    }
}
