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
        "Sumber Dana", "Agen PERISAI", "ID Pendaftaran", "No KPJ", "Perubahan",
    ];

    private static readonly RegionLevels DistrictOrRegency =
        new("Export by district (PP.RR.DD) or regency (PP.RR), e.g. 35.10.01.", RegionLevel.District, RegionLevel.Regency);

    public static void MapExportEndpoints(this RouteGroupBuilder village, IEndpointRouteBuilder app)
    {
        village.MapGet("/enrollments/export", (VillageTarget target, HttpContext context, IGrainFactory grains, ILogger<ExportLog> logger, [FromKeyedServices(DomainClock.Key)] TimeProvider clock) =>
                Export(target.Region, context, grains, logger, clock))
            .WithName("exportVillage").Requires(VillageAction.ExportPersonal).WithChangesQuery()
            .WithSummary("A village's active enrolments as CSV for a BPJS collective registration (NIK in full); with changes=true only what changed since the last export.")
            .Produces<string>(200, "text/csv").ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        app.MapGroup("/api/regions/{code}").WithTags("Villages").Guarded()
            .MapGet("/enrollments/export", (RegionTarget target, HttpContext context, IGrainFactory grains, ILogger<ExportLog> logger, [FromKeyedServices(DomainClock.Key)] TimeProvider clock) =>
                Export(target.Region, context, grains, logger, clock))
            .WithName("exportRegion").Requires(VillageAction.ExportPersonal).WithMetadata(DistrictOrRegency).WithChangesQuery()
            .WithSummary("A district's or regency's active enrolments as CSV for a BPJS collective registration (NIK in full); with changes=true only what changed since the last export.")
            .Produces<string>(200, "text/csv").ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
    }

    /// <summary>Logger category for exports.</summary>
    public sealed class ExportLog;

    private static RouteHandlerBuilder WithChangesQuery(this RouteHandlerBuilder endpoint) => endpoint
        .WithQueryParameter("changes", "true: only workers new, renewed or ended since the region's last export (or since the time given in since).", "true")
        .WithQueryParameter("since", "With changes=true, the start of the window instead of the last export (ISO 8601).", "2027-01-01T00:00:00Z");

    private static async Task<IResult> Export(Region region, HttpContext context, IGrainFactory grains, ILogger<ExportLog> logger, TimeProvider clock)
    {
        var query = context.Request.Query;
        if (!bool.TryParse(query["changes"].FirstOrDefault() ?? "false", out var changesOnly)
            || (query["since"].FirstOrDefault() is { } text && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)))
        {
            return Problems.Result(ProblemType.InvalidQuery, "changes is true or false; since is a moment in ISO 8601 (2027-01-01T00:00:00Z).", context);
        }
        var watermark = grains.GetGrain<IExportWatermarkGrain>(region.Code);
        var until = clock.GetUtcNow();
        DateTimeOffset? since = null;
        if (changesOnly)
        {
            since = query["since"].FirstOrDefault() is { } given
                ? DateTimeOffset.Parse(given, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : await watermark.GetLast() ?? DateTimeOffset.UnixEpoch;
            context.Response.Headers["X-Export-Since"] = since.Value.ToString("O", CultureInfo.InvariantCulture);
        }
        context.Response.Headers["X-Export-Until"] = until.ToString("O", CultureInfo.InvariantCulture);
        var villages = Villages(region).ToList();
        var file = since is null ? $"bpu-kolektif-{region.Code}.csv" : $"bpu-perubahan-{region.Code}.csv";
        var result = await CsvDownload.CreateAsync(context, file, Header, async csv =>
        {
            var count = 0;
            // A few villages at a time: a regency is a few hundred grain calls.
            foreach (var chunk in villages.Chunk(16))
            {
                var answers = await Task.WhenAll(chunk.Select(async v =>
                    (v, since is { } from ? await grains.Village(v.Code).ExportChanges(from) : await grains.Village(v.Code).ExportEnrollments())));
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
        // Built in full before it is answered: the next change-only export starts where this one ends.
        await watermark.Exported(until);
        return result;
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
        csv.WriteField(e.Kpj ?? "");
        csv.WriteField(e.Change switch { ExportChange.New => "baru", ExportChange.Renewed => "diperpanjang", ExportChange.Ended => "berakhir", _ => "" });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {Count} enrolments of {Region} with NIKs in full for {Subject}.")]
    private static partial void LogExport(ILogger logger, string region, int count, string subject);
}
