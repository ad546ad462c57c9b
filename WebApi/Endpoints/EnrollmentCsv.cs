using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Villages.WebApi.Endpoints;

/// <summary>
/// Workers as CSV, one per row, with a header: nik, name, occupation, monthlyIncome, programs
/// (JKK;JKM;JHT, empty for JKK+JKM) and agentId. Indonesian headers are accepted too (nama,
/// pekerjaan, penghasilan, program, agen). A row that cannot be read is reported, never fatal.
/// </summary>
public static class EnrollmentCsv
{
    /// <summary>A row as read; VillageCode only when the file names villages (a regency import).</summary>
    public sealed record Row(int Number, EnrollmentRequest? Request, string? Problem, string? VillageCode = null);

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["nik"] = "nik", ["name"] = "name", ["nama"] = "name", ["occupation"] = "occupation", ["pekerjaan"] = "occupation",
        ["monthlyincome"] = "monthlyIncome", ["monthly_income"] = "monthlyIncome", ["income"] = "monthlyIncome",
        ["penghasilan"] = "monthlyIncome", ["programs"] = "programs", ["program"] = "programs",
        ["agentid"] = "agentId", ["agent_id"] = "agentId", ["agent"] = "agentId", ["agen"] = "agentId",
        ["villagecode"] = "villageCode", ["village_code"] = "villageCode", ["village"] = "villageCode",
        ["kodedesa"] = "villageCode", ["kode_desa"] = "villageCode", ["kode desa"] = "villageCode",
    };

    public static async Task<(List<Row> Rows, string? Problem)> ReadAsync(Stream body, int maximumRows, CancellationToken cancellationToken, bool withVillage = false)
    {
        using var reader = new StreamReader(body);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true,
            DetectDelimiterValues = [",", ";", "\t"],
            BadDataFound = null,
            MissingFieldFound = null,
            TrimOptions = TrimOptions.Trim,
        };
        using var csv = new CsvReader(reader, config);
        if (!await csv.ReadAsync() || !csv.ReadHeader())
        {
            return ([], "The CSV is empty: the first line must be a header (nik,name,occupation,monthlyIncome,programs,agentId).");
        }
        var columns = new Dictionary<string, int>();
        for (var i = 0; i < csv.HeaderRecord!.Length; i++)
        {
            if (Aliases.TryGetValue(csv.HeaderRecord[i].Trim(), out var canonical)) columns.TryAdd(canonical, i);
        }
        string[] required = withVillage ? ["villageCode", "nik", "name", "occupation", "monthlyIncome"] : ["nik", "name", "occupation", "monthlyIncome"];
        var missing = required.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            return ([], $"The CSV header lacks {string.Join(", ", missing)} (expected {(withVillage ? "villageCode," : "")}nik,name,occupation,monthlyIncome,programs,agentId).");
        }
        var rows = new List<Row>();
        while (await csv.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (rows.Count == maximumRows) return (rows, $"The CSV holds more than {maximumRows} rows; split it or use the regency import.");
            var number = csv.Parser.Row;
            string? Field(string name) => columns.TryGetValue(name, out var index) && index < csv.Parser.Count ? csv.GetField(index) : null;
            var incomeText = Field("monthlyIncome");
            if (!long.TryParse(incomeText, NumberStyles.None, CultureInfo.InvariantCulture, out var income))
            {
                rows.Add(new Row(number, null, "monthlyIncome must be a whole number of rupiah, digits only.", Field("villageCode")));
                continue;
            }
            var programsText = Field("programs");
            var programs = string.IsNullOrWhiteSpace(programsText)
                ? null
                : programsText.Split([';', '|', '+', ' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            rows.Add(new Row(number, new EnrollmentRequest
            {
                Nik = Field("nik"), Name = Field("name"), Occupation = Field("occupation"), MonthlyIncome = income, Programs = programs, AgentId = Field("agentId"),
            }, null, Field("villageCode")));
        }
        return (rows, null);
    }
}
