using System.Globalization;
using CsvHelper;
using Villages.Regions;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

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

    private static readonly RegionLevels DistrictOrRegency =
        new("Export by district (PP.RR.DD) or regency (PP.RR), e.g. 35.10.01.", RegionLevel.District, RegionLevel.Regency);

    public static void MapExportEndpoints(this RouteGroupBuilder village, IEndpointRouteBuilder app)
    {
        village.MapGet("/enrollments/export", (VillageTarget target, HttpContext context, IGrainFactory grains, ILogger<ExportLog> logger) =>
                Export(target.Region, context, grains, logger))
            .WithName("exportVillage").Requires(VillageAction.ExportPersonal)
            .WithSummary("A village's active enrolments as CSV for a BPJS collective registration (NIK in full).")
            .Produces<string>(200, "text/csv").ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        app.MapGroup("/api/regions/{code}").WithTags("Villages").Guarded()
            .MapGet("/enrollments/export", (RegionTarget target, HttpContext context, IGrainFactory grains, ILogger<ExportLog> logger) =>
                Export(target.Region, context, grains, logger))
            .WithName("exportRegion").Requires(VillageAction.ExportPersonal).WithMetadata(DistrictOrRegency)
            .WithSummary("A district's or regency's active enrolments as CSV for a BPJS collective registration (NIK in full).")
            .Produces<string>(200, "text/csv").ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
    }

    /// <summary>Logger category for exports.</summary>
    public sealed class ExportLog;

    private static async Task<IResult> Export(Region region, HttpContext context, IGrainFactory grains, ILogger<ExportLog> logger)
    {
        var villages = Villages(region).ToList();
        return await CsvDownload.CreateAsync(context, $"bpu-kolektif-{region.Code}.csv", Header, async csv =>
        {
            var count = 0;
            // A few villages at a time: a regency is a few hundred grain calls.
            foreach (var chunk in villages.Chunk(16))
            {
                var answers = await Task.WhenAll(chunk.Select(async v => (v, await grains.Village(v.Code).ExportEnrollments())));
                foreach (var (village, rows) in answers)
                {
                    foreach (var row in rows)
                    {
                        WriteRow(csv, village, row);
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

    private static void WriteRow(CsvWriter csv, Region village, EnrollmentExport e)
    {
        var district = village.Parent!;
        var regency = district.Parent!;
        csv.WriteField(e.Nik);
        csv.WriteField(e.Name);
        csv.WriteField(e.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        csv.WriteField(e.Female ? "P" : "L");
        csv.WriteField(e.Occupation);
        csv.WriteField(e.MonthlyIncome);
        csv.WriteField(string.Join("+", ProgramNames.Of(e.Programs)));
        csv.WriteField(e.MonthlyPremium);
        csv.WriteField(e.CoverageMonths);
        csv.WriteField(e.CoverageStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        csv.WriteField(e.CoverageEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        csv.WriteField(village.Code);
        csv.WriteField(village.Name);
        csv.WriteField(district.Name);
        csv.WriteField(regency.Name);
        csv.WriteField(regency.Parent!.Name);
        csv.WriteField(e.FundingSource?.ToString() ?? "");
        csv.WriteField(e.AgentId ?? "");
        csv.WriteField(e.EnrollmentId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {Count} enrolments of {Region} with NIKs in full for {Subject}.")]
    private static partial void LogExport(ILogger logger, string region, int count, string subject);
}
