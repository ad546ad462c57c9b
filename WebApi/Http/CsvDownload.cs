using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Villages.WebApi.Http;

/// <summary>
/// A CSV file to download: a header line, the rows, and the file name to save it under. Every CSV
/// the service writes goes through <see cref="Writer"/>, so none opens a formula in a spreadsheet.
/// </summary>
public static class CsvDownload
{
    /// <summary>What starts a formula (or hides one) in Excel, LibreOffice Calc and Google Sheets.</summary>
    public static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    public static async Task<IResult> CreateAsync(HttpContext context, string fileName, IReadOnlyList<string> header, Func<CsvWriter, Task> writeRows)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = Writer(writer))
        {
            foreach (var column in header) csv.WriteField(column);
            await csv.NextRecordAsync();
            await writeRows(csv);
        }
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        return Results.Text(writer.ToString(), "text/csv; charset=utf-8");
    }

    /// <summary>
    /// A writer whose text cells starting with <see cref="FormulaStarts"/> are written as text
    /// (quoted, behind a leading apostrophe: <c>"'=HYPERLINK(...)"</c>); numbers are left alone, so
    /// a negative amount still reads as a number.
    /// </summary>
    public static CsvWriter Writer(TextWriter writer) => new TextOnlyEscapingWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
        InjectionCharacters = FormulaStarts,
        InjectionEscapeCharacter = '\'',
    });

    /// <summary>
    /// CsvHelper escapes every field, numbers included ("-5" would become "'-5", a text cell): it
    /// knows a field's type only while writing it, so this writer remembers it for the sanitiser.
    /// </summary>
    private sealed class TextOnlyEscapingWriter(TextWriter writer, CsvConfiguration configuration) : CsvWriter(writer, configuration)
    {
        private bool _number;

        public override void WriteConvertedField(string? field, Type fieldType)
        {
            _number = IsNumber(fieldType);
            try
            {
                base.WriteConvertedField(field, fieldType);
            }
            finally
            {
                _number = false;
            }
        }

        protected override string? SanitizeForInjection(string? field) => _number ? field : base.SanitizeForInjection(field);

        private static bool IsNumber(Type type) =>
            type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(decimal) || type == typeof(double) || type == typeof(float);
    }
}
