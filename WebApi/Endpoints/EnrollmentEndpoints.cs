using Microsoft.AspNetCore.Mvc;
using Villages.Privacy;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

/// <summary>One row of a batch's answer: what became of it, with the enrolment or the problem.</summary>
public sealed record BatchRow(int Row, EnrollmentResult Result, int Status, string? EnrollmentId, EnrollmentView? Enrollment, Microsoft.AspNetCore.Mvc.ProblemDetails? Error);

/// <summary>A batch's answer: counts by result, and one row per worker sent.</summary>
public sealed record BatchAnswer(int Rows, int Created, int Unchanged, int Repriced, int Updated, int Rejected, IReadOnlyList<BatchRow> Results);

/// <summary>
/// A village's enrolments. The NIK travels only in request bodies; an enrolment is named in URLs by
/// its opaque enrollmentId.
/// </summary>
public static class EnrollmentEndpoints
{
    private const long EnrollmentBodyLimit = 16 * 1024;

    public static void MapEnrollmentEndpoints(this RouteGroupBuilder village)
    {
        var limits = ((IEndpointRouteBuilder)village).ServiceProvider.GetRequiredService<LimitOptions>();
        village.MapPost("/enrollments", Enroll).WithName("enroll").Requires(VillageAction.Enroll)
            .WithSummary("Enrols a worker (idempotent by NIK: 201 the first time, 200 after).")
            .Accepts<EnrollmentRequest>("application/json").WithBodyLimit(EnrollmentBodyLimit)
            .Produces<EnrollmentView>(201).Produces<EnrollmentView>()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        village.MapPost("/enrollments/batch", EnrollBatch).WithName("enrollBatch").Requires(VillageAction.Enroll)
            .WithSummary("Enrols many workers: a JSON array of enrolments, or text/csv with a header row.")
            .Accepts<EnrollmentRequest[]>("application/json", "text/csv").WithNullableArrayItems().WithBodyLimit(limits.BatchBytes)
            .Produces<BatchAnswer>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        village.MapGet("/enrollments", List).WithName("listEnrollments").Requires(VillageAction.ReadPersonal)
            .WithSummary("The village's enrolments, NIK masked, paged with offset and limit.")
            .Produces<EnrollmentPage>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        village.MapGet("/enrollments/ending-soon", EndingSoon).WithName("listEndingSoon").Requires(VillageAction.ReadPersonal)
            .WithSummary("Workers whose coverage ends within 30 days and is not renewed, soonest first: the ones to renew.")
            .Produces<EnrollmentPage>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        village.MapGet("/enrollments/{enrollmentId}", Get).WithName("getEnrollment").Requires(VillageAction.ReadPersonal)
            .WithSummary("One enrolment, NIK masked.")
            .Produces<EnrollmentView>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        village.MapDelete("/enrollments/{enrollmentId}", Withdraw).WithName("withdraw").Requires(VillageAction.Withdraw)
            .WithSummary("Withdraws a worker: the premium of coverage months not yet begun returns to the budget.")
            .Produces<WithdrawalOutcome>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        village.MapGet("/history", History).WithName("getHistory").Requires(VillageAction.ReadPersonal)
            .WithSummary("The village's audit trail, newest first: who changed what, when, under which trace.")
            .Produces<HistoryPage>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
    }

    private static async Task<IResult> Enroll(VillageTarget village, HttpContext context, IGrainFactory grains)
    {
        var body = await RequestBody.JsonAsync<EnrollmentRequest>(context);
        if (body.Problem is not null) return body.Problem;
        if (!AsRecorded(context, village, [body.Value!], out var recorded)) return AgentProblem(context);
        var outcome = await grains.Village(village.Code).Enroll(recorded[0], context.Actor(VillageAction.Enroll, village.Code));
        if (outcome.Failure is not null) return Problems.Result(outcome.Failure, context);
        return outcome.Result == EnrollmentResult.Created
            ? TypedResults.Created($"/api/villages/{village.Code}/enrollments/{outcome.Enrollment!.EnrollmentId}", outcome.Enrollment)
            : TypedResults.Ok(outcome.Enrollment);
    }

    private static async Task<IResult> EnrollBatch(VillageTarget village, HttpContext context, IGrainFactory grains, [FromServices] Domain.EnrollmentOptions options)
    {
        // A row that cannot be read is refused alone; the others go to the village as one batch.
        var rows = new List<(int Row, EnrollmentRequest? Request, string? Unreadable)>();
        if (context.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            if (RequestBody.Limit(context) is { } tooLarge) return tooLarge;
            List<EnrollmentCsv.Row> csvRows;
            string? csvProblem;
            try
            {
                (csvRows, csvProblem) = await EnrollmentCsv.ReadAsync(context.Request.Body, options.MaximumBatchSize, context.RequestAborted);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return RequestBody.TooLarge(context);
            }
            if (csvProblem is not null)
            {
                return Problems.Result(csvRows.Count >= options.MaximumBatchSize ? ProblemType.BatchTooLarge : ProblemType.MalformedRequest, csvProblem, context);
            }
            rows.AddRange(csvRows.Select(static r => (r.Number, r.Request, r.Problem)));
        }
        else
        {
            var body = await RequestBody.JsonAsync<EnrollmentRequest?[]>(context);
            if (body.Problem is not null) return body.Problem;
            if (body.Value!.Length > options.MaximumBatchSize)
            {
                return Problems.Result(ProblemType.BatchTooLarge, $"A batch holds at most {options.MaximumBatchSize} workers; split it or use the regency import.", context);
            }
            rows.AddRange(body.Value.Select(static (r, i) => (i + 1, r, r is null ? "The row is null." : null)));
        }
        var readable = rows.Where(static r => r.Unreadable is null).ToList();
        if (!AsRecorded(context, village, readable.Select(static r => r.Request!), out var recorded)) return AgentProblem(context);
        var outcomes = readable.Count == 0 ? []
            : await grains.Village(village.Code).EnrollBatch(recorded, context.Actor(VillageAction.Enroll, village.Code));
        var byRow = readable.Select(static r => r.Row).Zip(outcomes).ToDictionary(static p => p.First, static p => p.Second);
        var results = rows.Select(r => BatchRow(r.Row, r.Unreadable is { } why
            ? EnrollmentOutcome.Rejected(new Failure(FailureCode.InvalidEnrollment, why))
            : byRow[r.Row])).ToList();
        int Count(EnrollmentResult result) => results.Count(r => r.Result == result);
        return TypedResults.Ok(new BatchAnswer(results.Count, Count(EnrollmentResult.Created), Count(EnrollmentResult.Unchanged),
            Count(EnrollmentResult.Repriced), Count(EnrollmentResult.Updated), Count(EnrollmentResult.Rejected), results));
    }

    private static async Task<IResult> List(VillageTarget village, HttpContext context, IGrainFactory grains, string? offset, string? limit)
    {
        if (!Paging.TryRead(offset, limit, out var from, out var take)) return Paging.Problem(context);
        return TypedResults.Ok(await grains.Village(village.Code).ListEnrollments(from, take));
    }

    private static async Task<IResult> EndingSoon(VillageTarget village, HttpContext context, IGrainFactory grains, string? offset, string? limit)
    {
        if (!Paging.TryRead(offset, limit, out var from, out var take)) return Paging.Problem(context);
        return TypedResults.Ok(await grains.Village(village.Code).ListEndingSoon(from, take));
    }

    private static async Task<IResult> Get(VillageTarget village, string enrollmentId, HttpContext context, IGrainFactory grains)
    {
        var enrollment = WorkerKeys.IsEnrollmentIdShape(enrollmentId) ? await grains.Village(village.Code).GetEnrollment(enrollmentId) : null;
        return enrollment is null ? NotFound(village, context) : TypedResults.Ok(enrollment);
    }

    private static async Task<IResult> Withdraw(VillageTarget village, string enrollmentId, HttpContext context, IGrainFactory grains)
    {
        if (!WorkerKeys.IsEnrollmentIdShape(enrollmentId)) return NotFound(village, context);
        var outcome = await grains.Village(village.Code).Withdraw(enrollmentId, context.Actor(VillageAction.Withdraw, village.Code));
        return outcome.Failure is not null ? Problems.Result(outcome.Failure, context) : TypedResults.Ok(outcome);
    }

    private static async Task<IResult> History(VillageTarget village, HttpContext context, IGrainFactory grains, string? offset, string? limit)
    {
        if (!Paging.TryRead(offset, limit, out var from, out var take)) return Paging.Problem(context);
        return TypedResults.Ok(await grains.Village(village.Code).GetHistory(from, take));
    }

    /// <summary>The requests as recorded: a PERISAI agent's under the agent code of its token (the policy's rule); false when a row names another agent.</summary>
    private static bool AsRecorded(HttpContext context, VillageTarget village, IEnumerable<EnrollmentRequest> rows, out EnrollmentRequest[] recorded)
    {
        var caller = context.Caller();
        var result = new List<EnrollmentRequest>();
        foreach (var row in rows)
        {
            if (!AccessPolicy.TryRecordedAgent(caller, village.Code, row.AgentId, out var agent))
            {
                recorded = [];
                return false;
            }
            result.Add(row.AgentId == agent ? row : row with { AgentId = agent });
        }
        recorded = [.. result];
        return true;
    }

    private static IResult AgentProblem(HttpContext context) =>
        Problems.Result(ProblemType.Forbidden, "An agent enrols under the agent code of its own token; leave agentId out.", context);

    private static BatchRow BatchRow(int row, EnrollmentOutcome outcome)
    {
        if (outcome.Failure is { } failure)
        {
            var problem = Problems.From(failure);
            return new BatchRow(row, EnrollmentResult.Rejected, problem.Status ?? 400, null, null, problem);
        }
        var status = outcome.Result == EnrollmentResult.Created ? 201 : 200;
        return new BatchRow(row, outcome.Result, status, outcome.Enrollment!.EnrollmentId, outcome.Enrollment, null);
    }

    private static IResult NotFound(VillageTarget village, HttpContext context) =>
        Problems.Result(ProblemType.EnrollmentNotFound, $"Village {village.Code} has no enrolment with that id.", context);
}
