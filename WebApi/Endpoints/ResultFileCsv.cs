using CsvHelper;
using CsvHelper.Configuration;
using System.Globalization;
using Villages.Domain;

namespace Villages.WebApi.Endpoints;

/// <summary>
/// A BPJS branch's result file as CSV: nik, kpj, status, registeredOn (and an optional reason);
/// Indonesian headers are accepted (no_kpj, keterangan, tanggal_terdaftar, alasan). Each row is
/// read on its own: a bad row, a repeated NIK or a KPJ given to two NIKs is reported, never fatal.
/// </summary>
public static class ResultFileCsv
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["nik"] = "nik", ["kpj"] = "kpj", ["no_kpj"] = "kpj", ["nokpj"] = "kpj", ["nomor_kpj"] = "kpj", ["no kpj"] = "kpj",
        ["status"] = "status", ["keterangan"] = "status", ["status_kepesertaan"] = "status",
        ["registeredon"] = "registeredOn", ["registered_on"] = "registeredOn", ["tanggal_terdaftar"] = "registeredOn",
        ["tgl_terdaftar"] = "registeredOn", ["tanggal_kepesertaan"] = "registeredOn", ["tanggal terdaftar"] = "registeredOn",
        ["reason"] = "reason", ["alasan"] = "reason", ["alasan_penolakan"] = "reason",
    };

    public sealed record Read(List<ReconciliationRow> Rows, List<ReconciliationRowResult> Refused, string? Problem);

    public static async Task<Read> ReadAsync(Stream body, int maximumRows, DateOnly today, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true, DetectDelimiterValues = [",", ";", "\t"], BadDataFound = null, MissingFieldFound = null, TrimOptions = TrimOptions.Trim,
        };
        using var csv = new CsvReader(reader, config);
        if (!await csv.ReadAsync() || !csv.ReadHeader()) return new([], [], "The CSV is empty: the first line must be a header (nik,kpj,status,registeredOn).");
        var columns = new Dictionary<string, int>();
        for (var i = 0; i < csv.HeaderRecord!.Length; i++)
        {
            if (Aliases.TryGetValue(csv.HeaderRecord[i].Trim(), out var canonical)) columns.TryAdd(canonical, i);
        }
        var missing = new[] { "nik", "kpj", "status", "registeredOn" }.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0) return new([], [], $"The CSV header lacks {string.Join(", ", missing)} (expected nik,kpj,status,registeredOn, and reason for refusals).");
        var rows = new List<ReconciliationRow>();
        var refused = new List<ReconciliationRowResult>();
        var niks = new Dictionary<string, int>(StringComparer.Ordinal);
        var kpjs = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await csv.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (rows.Count + refused.Count == maximumRows) return new(rows, refused, $"The file holds more than {maximumRows} rows; split it.");
            var line = csv.Parser.Row;
            string? Field(string name) => columns.TryGetValue(name, out var index) && index < csv.Parser.Count ? csv.GetField(index) : null;
            if (!ResultFileRules.TryRead(line, Field("nik"), Field("kpj"), Field("status"), Field("registeredOn"), Field("reason"), today, out var row, out var problem))
            {
                refused.Add(new ReconciliationRowResult(line, null, Nik.Mask(Field("nik")?.Trim()), ReconciliationResult.Invalid, null, "invalid-row", problem));
            }
            else if (niks.TryGetValue(row.Nik, out var earlier))
            {
                refused.Add(new ReconciliationRowResult(line, null, Nik.Mask(row.Nik), ReconciliationResult.Invalid, null, "duplicate-row", $"This worker is on line {earlier} already."));
            }
            else if (row.Kpj is not null && kpjs.TryGetValue(row.Kpj, out var owner) && owner != row.Nik)
            {
                refused.Add(new ReconciliationRowResult(line, null, Nik.Mask(row.Nik), ReconciliationResult.KpjConflict, null, "kpj-conflict", "This KPJ is given to another worker earlier in the file."));
            }
            else
            {
                niks[row.Nik] = line;
                if (row.Kpj is not null) kpjs[row.Kpj] = row.Nik;
                rows.Add(row);
            }
        }
        return new(rows, refused, null);
    }
}
