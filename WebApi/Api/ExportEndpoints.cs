using System.Globalization;
using CsvHelper;
using Villages.Regions;
using Villages.WebApi.Security;

namespace Villages.WebApi.Api;

/// <summary>
/// Active enrolments as CSV in the columns of a BPJS Ketenagakerjaan collective (kolektif) BPU
/// registration: for a village, or for a whole district or regency. The NIK is in full, so only a
/// village's operator or a BPJS branch (within their region) may export; every export is logged
/// with who asked (never with what it contained).
/// </summary>
public static partial class ExportEndpoints
{
    private static readonly string[] Header =
    [
        "NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Pekerjaan", "Penghasilan", "Program", "Iuran per Bulan",
        "Jumlah Bulan", "Mulai", "Sampai", "Kode Desa", "Nama Desa", "Kecamatan", "Kabupaten/Kota", "Provinsi",
        "Sumber Dana", "Agen PERISAI", "ID Pendaftaran",
    ];

    public static void MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/villages/{code}/enrollments/export", (string code, HttpContext context, IGrainFactory grains, ILogger<ExportLog> logger) =>
                VillageEndpoints.TryFindVillage(code, context, out var village, out var problem) ? Export(village, context, grains, logger) : Task.FromResult(problem))
            .WithTags("Villages").WithSummary("A village's active enrolments as CSV for a BPJS collective registration (NIK in full).")
            .Produces(200, contentType: "text/csv").ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        app.MapGet("/api/regions/{code}/enrollments/export", (string code, HttpContext context, IGrainFactory grains, RegionCatalog catalog, ILogger<ExportLog> logger) =>
            {
                if (!RegionCode.TryParseLevel(code, out var level) || level is not (RegionLevel.District or RegionLevel.Regency))
                {
                    return Task.FromResult(Problems.Result("invalid-region-code", "Export by district (PP.RR.DD) or regency (PP.RR), e.g. 35.10.01.", context));
                }
                return catalog.TryGet(code, out var region)
                    ? Export(region, context, grains, logger)
                    : Task.FromResult(Problems.Result("region-not-found", $"No region {code} in the reference data.", context));
            })
            .WithTags("Villages").WithSummary("A district's or regency's active enrolments as CSV for a BPJS collective registration (NIK in full).")
            .Produces(200, contentType: "text/csv").ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
    }

    /// <summary>Logger category for exports.</summary>
    public sealed class ExportLog;

    private static async Task<IResult> Export(Region region, HttpContext context, IGrainFactory grains, ILogger<ExportLog> logger)
    {
        if (AccessPolicy.Check(context, VillageAction.ExportPersonal, region.Code) is { } refused) return refused;
        var villages = Villages(region).ToList();
        return await CsvDownload.CreateAsync(context, $"bpu-kolektif-{region.Code}.csv", Header, async csv =>
        {
            var count = 0;
            // A few villages at a time: a regency is a few hundred grain calls.
            foreach (var chunk in villages.Chunk(16))
            {
                var answers = await Task.WhenAll(chunk.Select(async v => (v, await grains.Village(v.Code).GetSnapshot(), await grains.Village(v.Code).ExportEnrollments())));
                foreach (var (village, snapshot, rows) in answers)
                {
                    foreach (var row in rows)
                    {
                        WriteRow(csv, village, snapshot, row);
                        await csv.NextRecordAsync();
                        count++;
                    }
                }
            }
            LogExport(logger, region.Code, count, context.Caller().Subject ?? "?");
        });
    }

    private static IEnumerable<Region> Villages(Region region) =>
        region.Level == RegionLevel.Village ? [region] : region.Children.SelectMany(Villages);

    private static void WriteRow(CsvWriter csv, Region village, VillageSnapshot snapshot, EnrollmentExport e)
    {
        var district = village.Parent!;
        var regency = district.Parent!;
        csv.WriteField(e.Nik);
        csv.WriteField(e.Name);
        csv.WriteField(e.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        csv.WriteField(e.Female ? "P" : "L");
        csv.WriteField(e.Occupation);
        csv.WriteField(e.MonthlyIncome);
        csv.WriteField(string.Join("+", Json.Programs(e.Programs)));
        csv.WriteField(e.MonthlyPremium);
        csv.WriteField(e.CoverageMonths);
        csv.WriteField(e.CoverageStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        csv.WriteField(e.CoverageEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        csv.WriteField(village.Code);
        csv.WriteField(village.Name);
        csv.WriteField(district.Name);
        csv.WriteField(regency.Name);
        csv.WriteField(regency.Parent!.Name);
        csv.WriteField(snapshot.Program?.FundingSource.ToString() ?? "");
        csv.WriteField(e.AgentId ?? "");
        csv.WriteField(e.EnrollmentId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {Count} enrolments of {Region} with NIKs in full for {Subject}.")]
    private static partial void LogExport(ILogger logger, string region, int count, string subject);
}
