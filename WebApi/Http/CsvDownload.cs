using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Villages.WebApi.Http;

/// <summary>A CSV file to download: a header line, the rows, and the file name to save it under.</summary>
public static class CsvDownload
{
    public static async Task<IResult> CreateAsync(HttpContext context, string fileName, IReadOnlyList<string> header, Func<CsvWriter, Task> writeRows)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture)))
        {
            foreach (var column in header) csv.WriteField(column);
            await csv.NextRecordAsync();
            await writeRows(csv);
        }
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        return Results.Text(writer.ToString(), "text/csv; charset=utf-8");
    }
}
