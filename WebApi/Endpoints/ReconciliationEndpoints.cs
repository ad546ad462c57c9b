using Villages.Regions;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

/// <summary>
/// Reconciliation with BPJS: a branch uploads its result file for a regency (CSV), gets 202 and a job;
/// each enrolment gets its KPJ and confirmation day (or BPJS's refusal); the report says, per row,
/// what matched, what BPJS refused and what BPJS has that the ledger lacks. The same file again changes nothing.
/// </summary>
public static class ReconciliationEndpoints
{
    private const int MaximumRows = 200_000;
    private const int DefaultResults = 100;
    private const int MaximumResults = 5000;
    private static readonly string[] ReportHeader = ["line", "villageCode", "nik", "result", "enrollmentId", "code", "detail"];

    private static readonly RegionLevels Regency = new("Reconcile a regency (PP.RR), e.g. 35.10.", RegionLevel.Regency);

    public static void MapReconciliationEndpoints(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<LimitOptions>();
        var regency = app.MapGroup("/api/regions/{code}/reconciliations").WithTags("Reconciliation").Guarded();
        regency.MapPost("", Start).WithName("startReconciliation").Requires(VillageAction.Reconcile).WithMetadata(Regency)
            .WithSummary("Starts matching a BPJS result file (text/csv: nik,kpj,status,registeredOn[,reason]; Indonesian headers accepted) to the regency's enrolments; 202 and a job to watch.")
            .Accepts<string>("text/csv").WithBodyLimit(limits.ReconciliationBytes).LimitsRunning("reconciliations running (per caller and in the cluster)")
            .Produces<ReconciliationStatus>(202)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        regency.MapGet("/{id}", Status).WithName("getReconciliation").Requires(VillageAction.Reconcile).WithMetadata(Regency)
            .WithSummary("The reconciliation's progress and counts, with a page of its per-row report (offset, limit).")
            .Produces<ReconciliationStatus>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        regency.MapGet("/{id}/report", Report).WithName("getReconciliationReport").Requires(VillageAction.Reconcile).WithMetadata(Regency)
            .WithSummary("One line per row of the file: matched, unchanged, refused by BPJS (with the reason), unknown to the ledger, KPJ conflict, invalid (CSV).")
            .Produces<string>(200, "text/csv").ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
    }

    private static async Task<IResult> Start(RegionTarget target, HttpContext context, IGrainFactory grains,
        [FromKeyedServices(DomainClock.Key)] TimeProvider clock, [Microsoft.AspNetCore.Mvc.FromServices] LimitOptions limits)
    {
        if (context.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) != true)
        {
            return Problems.Result(ProblemType.UnsupportedMediaType, "Send the result file as text/csv.", context);
        }
        if (RequestBody.Limit(context) is { } tooLarge) return tooLarge;
        ResultFileCsv.Read file;
        try
        {
            file = await ResultFileCsv.ReadAsync(context.Request.Body, MaximumRows, Domain.CoverageCalendar.LocalDate(clock.GetUtcNow()), context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return RequestBody.TooLarge(context);
        }
        if (file.Problem is not null)
        {
            return Problems.Result(file.Rows.Count + file.Refused.Count >= MaximumRows ? ProblemType.BatchTooLarge : ProblemType.MalformedRequest, file.Problem, context);
        }
        var id = Guid.NewGuid();
        var fileName = context.Request.Headers["X-File-Name"].FirstOrDefault() is { Length: > 0 and <= 200 } name ? name : "hasil-bpjs.csv";
        var actor = context.Actor(VillageAction.Reconcile);
        return await JobAdmission.StartAsync(context, grains, JobSlots.Reconciliation, id, new JobQuota(limits.ReconciliationsPerCaller, limits.Reconciliations),
            () => grains.GetGrain<IReconciliationJobGrain>(id).Start(target.Region.Code, fileName, file.Rows, file.Refused, actor),
            status => TypedResults.Accepted($"/api/regions/{target.Region.Code}/reconciliations/{id}", status));
    }

    private static async Task<IResult> Status(RegionTarget target, string id, HttpContext context, IGrainFactory grains, string? offset, string? limit)
    {
        var from = 0;
        var take = DefaultResults;
        if ((!string.IsNullOrEmpty(offset) && (!int.TryParse(offset, out from) || from < 0))
            || (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, out take) || take is < 0 or > MaximumResults)))
        {
            return Problems.Result(ProblemType.InvalidQuery, $"offset is a whole number from 0, limit from 0 to {MaximumResults}.", context);
        }
        var (status, problem) = await Find(target, id, context, grains);
        if (problem is not null) return problem;
        var rows = take == 0 ? [] : await grains.GetGrain<IReconciliationJobGrain>(status!.Id).GetReport();
        return TypedResults.Ok(status! with { Results = [.. rows.Skip(from).Take(take)] });
    }

    private static async Task<IResult> Report(RegionTarget target, string id, HttpContext context, IGrainFactory grains)
    {
        var (status, problem) = await Find(target, id, context, grains);
        if (problem is not null) return problem;
        var rows = await grains.GetGrain<IReconciliationJobGrain>(status!.Id).GetReport();
        return await CsvDownload.CreateAsync(context, $"rekonsiliasi-{status.Region}-{status.Id}.csv", ReportHeader, async csv =>
        {
            foreach (var r in rows)
            {
                csv.WriteField(r.Line);
                csv.WriteField(r.VillageCode ?? "");
                csv.WriteField(r.MaskedNik ?? "");
                csv.WriteField(System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(r.Result.ToString()));
                csv.WriteField(r.EnrollmentId ?? "");
                csv.WriteField(r.Code ?? "");
                csv.WriteField(r.Detail ?? "");
                await csv.NextRecordAsync();
            }
        });
    }

    private static async Task<(ReconciliationStatus? Status, IResult? Problem)> Find(RegionTarget target, string id, HttpContext context, IGrainFactory grains)
    {
        var status = Guid.TryParse(id, out var guid) ? await grains.GetGrain<IReconciliationJobGrain>(guid).GetStatus() : null;
        return status is null || status.Region != target.Region.Code
            ? (null, Problems.Result(ProblemType.NotFound, $"No reconciliation with that id in {target.Region.Code}.", context))
            : (status, null);
    }
}
