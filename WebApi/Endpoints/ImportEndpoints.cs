using Microsoft.AspNetCore.Mvc;
using Villages.Regions;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

/// <summary>
/// Bulk enrolment for many villages at once (a regency's file): POST a CSV with a villageCode
/// column, get 202 and a job to watch; each village receives its rows as one batch; a bad row never
/// blocks good ones; uploading the same file again changes nothing (rows come back unchanged).
/// </summary>
public static class ImportEndpoints
{
    private const int MaximumRows = 100_000;
    private static readonly string[] ReportHeader = ["row", "villageCode", "nik", "result", "enrollmentId", "code", "detail"];

    public static void MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<LimitOptions>();
        var imports = app.MapGroup("/api/imports").WithTags("Imports").Guarded();
        imports.MapPost("", Start).WithName("startImport")
            .RequiresAnywhere(VillageAction.Enroll)
            .WithSummary("Starts a bulk import: text/csv with villageCode,nik,name,occupation,monthlyIncome,programs,agentId.")
            .Accepts<string>("text/csv").WithBodyLimit(limits.ImportBytes).LimitsRunning("imports running (per caller and in the cluster)")
            .Produces<ImportStatus>(202)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        imports.MapGet("/{id}", Status).WithName("getImport").RequiresSignIn()
            .WithSummary("The import's progress and counts.").Produces<ImportStatus>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        imports.MapGet("/{id}/report", Report).WithName("getImportReport").RequiresSignIn()
            .WithSummary("One line per row: created, unchanged, re-priced, updated, or why it was refused (CSV).")
            .Produces<string>(200, "text/csv").ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
    }

    private static async Task<IResult> Start(HttpContext context, IGrainFactory grains, [FromServices] RegionCatalog catalog,
        [FromServices] Domain.EnrollmentOptions options, [FromServices] LimitOptions limits)
    {
        var caller = context.Caller();
        if (context.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Problems.Result(ProblemType.UnsupportedMediaType, "Send the file as text/csv.", context);
        }
        if (RequestBody.Limit(context) is { } tooLarge) return tooLarge;
        List<EnrollmentCsv.Row> rows;
        string? problem;
        try
        {
            (rows, problem) = await EnrollmentCsv.ReadAsync(context.Request.Body, MaximumRows, context.RequestAborted, withVillage: true);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return RequestBody.TooLarge(context);
        }
        if (problem is not null) return Problems.Result(rows.Count >= MaximumRows ? ProblemType.BatchTooLarge : ProblemType.MalformedRequest, problem, context);

        var accepted = new List<ImportRow>();
        var refused = new List<ImportRowResult>();
        foreach (var row in rows)
        {
            var code = row.VillageCode?.Trim();
            string? why = row.Problem;
            string? agent = null;
            if (why is null && !RegionCode.IsVillageCode(code)) why = "villageCode must look like PP.RR.DD.VVVV.";
            else if (why is null && !catalog.TryGet(code, out _)) why = $"No village {code} in the reference data.";
            else if (why is null && !AccessPolicy.Allows(caller, VillageAction.Enroll, code!)) why = $"Village {code} is outside your region: your token does not name it.";
            else if (why is null && !AccessPolicy.TryRecordedAgent(caller, code!, row.Request!.AgentId, out agent)) why = "An agent imports under the agent code of its own token.";
            if (why is null) accepted.Add(new ImportRow(row.Number, code!, row.Request! with { AgentId = agent }));
            else refused.Add(new ImportRowResult(row.Number, code, null, EnrollmentResult.Rejected, null, ProblemType.InvalidRow.Code, why));
        }
        var id = Guid.NewGuid();
        var fileName = context.Request.Headers["X-File-Name"].FirstOrDefault() is { Length: > 0 and <= 200 } name ? name : "import.csv";
        var actor = context.Actor(VillageAction.Enroll);
        return await JobAdmission.StartAsync(context, grains, JobSlots.Import, id, new JobQuota(limits.ImportsPerCaller, limits.Imports),
            () => grains.GetGrain<IImportJobGrain>(id).Start(fileName, accepted, refused, actor),
            status => TypedResults.Accepted($"/api/imports/{id}", status));
    }

    private static async Task<IResult> Status(string id, HttpContext context, IGrainFactory grains)
    {
        var (status, problem) = await Find(id, context, grains);
        return problem ?? TypedResults.Ok(status);
    }

    private static async Task<IResult> Report(string id, HttpContext context, IGrainFactory grains)
    {
        var (status, problem) = await Find(id, context, grains);
        if (problem is not null) return problem;
        var rows = await grains.GetGrain<IImportJobGrain>(status!.Id).GetReport();
        return await CsvDownload.CreateAsync(context, $"import-{status.Id}.csv", ReportHeader, async csv =>
        {
            foreach (var r in rows)
            {
                csv.WriteField(r.Row);
                csv.WriteField(r.VillageCode ?? "");
                csv.WriteField(r.MaskedNik ?? "");
                csv.WriteField(r.Result.ToString().ToLowerInvariant());
                csv.WriteField(r.EnrollmentId ?? "");
                csv.WriteField(r.Code ?? "");
                csv.WriteField(r.Detail ?? "");
                await csv.NextRecordAsync();
            }
        });
    }

    private static async Task<(ImportStatus? Status, IResult? Problem)> Find(string id, HttpContext context, IGrainFactory grains)
    {
        var status = Guid.TryParse(id, out var guid) ? await grains.GetGrain<IImportJobGrain>(guid).GetStatus() : null;
        if (status is null) return (null, Problems.Result(ProblemType.NotFound, "No import with that id.", context));
        if (!AccessPolicy.MaySeeImport(context.Caller(), status.Owner))
        {
            return (null, Problems.Result(ProblemType.Forbidden, "This import was started by someone else.", context));
        }
        return (status, null);
    }
}
