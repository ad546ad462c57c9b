using System.Globalization;
using Villages.Privacy;
using Villages.WebApi.Security;

namespace Villages.WebApi.Api;

/// <summary>
/// A village's enrolments. The NIK travels only in request bodies; an enrolment is named in URLs by
/// its opaque enrollmentId.
/// </summary>
public static class EnrollmentEndpoints
{
    internal const long EnrollmentBodyLimit = 16 * 1024;
    internal const long BatchBodyLimit = 2 * 1024 * 1024;
    private const int DefaultPageSize = 50;
    private const int MaximumPageSize = 500;

    public static void MapEnrollmentEndpoints(this RouteGroupBuilder villages)
    {
        villages.MapPost("/{code}/enrollments", Enroll)
            .WithSummary("Enrols a worker (idempotent by NIK: 201 the first time, 200 after).")
            .Accepts<EnrollmentBody>("application/json")
            .Produces<EnrollmentJson>(201).Produces<EnrollmentJson>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(503);
        villages.MapPost("/{code}/enrollments/batch", EnrollBatch)
            .WithSummary("Enrols many workers: a JSON array of enrolments, or text/csv with a header row.")
            .Accepts<EnrollmentBody[]>("application/json", "text/csv")
            .Produces<BatchJson>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(415);
        villages.MapGet("/{code}/enrollments", List)
            .WithSummary("The village's enrolments, NIK masked, paged with offset and limit.")
            .Produces<EnrollmentListJson>().ProducesProblem(400).ProducesProblem(404);
        villages.MapGet("/{code}/enrollments/{enrollmentId}", Get)
            .WithSummary("One enrolment, NIK masked.")
            .Produces<EnrollmentJson>().ProducesProblem(404);
        villages.MapDelete("/{code}/enrollments/{enrollmentId}", Withdraw)
            .WithSummary("Withdraws a worker: the premium of coverage months not yet begun returns to the budget.")
            .Produces<WithdrawalJson>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        villages.MapGet("/{code}/history", History)
            .WithSummary("The village's audit trail, newest first: who changed what, when, under which trace.")
            .Produces<HistoryJson>().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
    }

    private static async Task<IResult> Enroll(string code, HttpContext context, IGrainFactory grains)
    {
        if (!VillageEndpoints.TryFindVillage(code, context, out _, out var problem)) return problem;
        if (AccessPolicy.Check(context, VillageAction.Enroll, code) is { } refused) return refused;
        var body = await RequestBody.JsonAsync<EnrollmentBody>(context, EnrollmentBodyLimit);
        if (body.Problem is not null) return body.Problem;
        if (AgentRule(context, [body.Value!]) is { } agentProblem) return agentProblem;
        if (!TryRequest(body.Value! with { AgentId = AgentOf(context, body.Value!) }, out var request, out var invalid)) return Problems.Result(invalid, context);
        var outcome = await grains.Village(code).Enroll(request, context.Actor(VillageAction.Enroll));
        if (outcome.Failure is not null) return Problems.Result(outcome.Failure, context);
        var json = Json.Enrollment(outcome.Enrollment!);
        return outcome.Result == EnrollmentResult.Created
            ? TypedResults.Created(Location(code, json.EnrollmentId), json)
            : TypedResults.Ok(json);
    }

    private static async Task<IResult> EnrollBatch(string code, HttpContext context, IGrainFactory grains, Domain.EnrollmentOptions options)
    {
        if (!VillageEndpoints.TryFindVillage(code, context, out _, out var problem)) return problem;
        if (AccessPolicy.Check(context, VillageAction.Enroll, code) is { } refused) return refused;
        var rows = new List<(int Row, EnrollmentRequest? Request, Failure? Failure)>();
        if (context.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            if (RequestBody.Limit(context, BatchBodyLimit) is { } tooLarge) return tooLarge;
            List<EnrollmentCsv.Row> csvRows;
            string? csvProblem;
            try
            {
                (csvRows, csvProblem) = await EnrollmentCsv.ReadAsync(context.Request.Body, options.MaximumBatchSize, context.RequestAborted);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return RequestBody.TooLarge(context, BatchBodyLimit);
            }
            if (csvProblem is not null)
            {
                var slug = csvRows.Count >= options.MaximumBatchSize ? "batch-too-large" : "malformed-request";
                return Problems.Result(slug, csvProblem, context);
            }
            if (AgentRule(context, csvRows.Select(static r => r.Body)) is { } agentProblem) return agentProblem;
            foreach (var row in csvRows) rows.Add(ToRow(row.Number, row.Body is null ? null : row.Body with { AgentId = AgentOf(context, row.Body) }, row.Problem));
        }
        else
        {
            var body = await RequestBody.JsonAsync<EnrollmentBody?[]>(context, BatchBodyLimit);
            if (body.Problem is not null) return body.Problem;
            if (body.Value!.Length > options.MaximumBatchSize)
            {
                return Problems.Result("batch-too-large", $"A batch holds at most {options.MaximumBatchSize} workers; split it or use the regency import.", context);
            }
            if (AgentRule(context, body.Value) is { } agentProblem) return agentProblem;
            for (var i = 0; i < body.Value.Length; i++)
            {
                var row = body.Value[i];
                rows.Add(ToRow(i + 1, row is null ? null : row with { AgentId = AgentOf(context, row) }, row is null ? "The row is null." : null));
            }
        }
        var toGrain = rows.Where(static r => r.Request is not null).ToList();
        var outcomes = toGrain.Count == 0 ? [] : await grains.Village(code).EnrollBatch([.. toGrain.Select(static r => r.Request!)], context.Actor(VillageAction.Enroll));
        var byRow = toGrain.Select(static r => r.Row).Zip(outcomes).ToDictionary(static p => p.First, static p => p.Second);
        var results = rows.Select(r => BatchRow(r.Row, r.Failure is not null ? EnrollmentOutcome.Rejected(r.Failure) : byRow[r.Row])).ToList();
        int Count(string result) => results.Count(r => r.Result == result);
        return TypedResults.Ok(new BatchJson(results.Count, Count("created"), Count("unchanged"), Count("repriced"), Count("updated"), Count("rejected"), results));
    }

    private static async Task<IResult> List(string code, HttpContext context, IGrainFactory grains, string? offset, string? limit)
    {
        if (!VillageEndpoints.TryFindVillage(code, context, out _, out var problem)) return problem;
        if (AccessPolicy.Check(context, VillageAction.ReadPersonal, code) is { } refused) return refused;
        if (!TryQueryInt(offset, 0, int.MaxValue, 0, out var from) || !TryQueryInt(limit, 1, MaximumPageSize, DefaultPageSize, out var take))
        {
            return Problems.Result("invalid-query", $"offset is a whole number from 0; limit from 1 to {MaximumPageSize}.", context);
        }
        var page = await grains.Village(code).ListEnrollments(from, take);
        return TypedResults.Ok(new EnrollmentListJson([.. page.Items.Select(Json.Enrollment)], page.Total, page.Offset, page.Limit));
    }

    private static async Task<IResult> Get(string code, string enrollmentId, HttpContext context, IGrainFactory grains)
    {
        if (!VillageEndpoints.TryFindVillage(code, context, out _, out var problem)) return problem;
        if (AccessPolicy.Check(context, VillageAction.ReadPersonal, code) is { } refused) return refused;
        var enrollment = WorkerKeys.IsEnrollmentIdShape(enrollmentId) ? await grains.Village(code).GetEnrollment(enrollmentId) : null;
        return enrollment is null ? NotFound(code, context) : TypedResults.Ok(Json.Enrollment(enrollment));
    }

    private static async Task<IResult> Withdraw(string code, string enrollmentId, HttpContext context, IGrainFactory grains)
    {
        if (!VillageEndpoints.TryFindVillage(code, context, out _, out var problem)) return problem;
        if (AccessPolicy.Check(context, VillageAction.Withdraw, code) is { } refused) return refused;
        if (!WorkerKeys.IsEnrollmentIdShape(enrollmentId)) return NotFound(code, context);
        var outcome = await grains.Village(code).Withdraw(enrollmentId, context.Actor(VillageAction.Withdraw));
        if (outcome.Failure is not null) return Problems.Result(outcome.Failure, context);
        return TypedResults.Ok(new WithdrawalJson(Json.Enrollment(outcome.Enrollment!), outcome.Refund, outcome.MonthsRefunded));
    }

    private static async Task<IResult> History(string code, HttpContext context, IGrainFactory grains, string? offset, string? limit)
    {
        if (!VillageEndpoints.TryFindVillage(code, context, out _, out var problem)) return problem;
        if (AccessPolicy.Check(context, VillageAction.ReadPersonal, code) is { } refused) return refused;
        if (!TryQueryInt(offset, 0, int.MaxValue, 0, out var from) || !TryQueryInt(limit, 1, MaximumPageSize, DefaultPageSize, out var take))
        {
            return Problems.Result("invalid-query", $"offset is a whole number from 0; limit from 1 to {MaximumPageSize}.", context);
        }
        var page = await grains.Village(code).GetHistory(from, take);
        return TypedResults.Ok(new HistoryJson([.. page.Items.Select(Json.History)], page.Total, page.Offset, page.Limit));
    }

    /// <summary>A PERISAI agent's enrolments carry the agent code of its token; naming another agent is refused.</summary>
    private static IResult? AgentRule(HttpContext context, IEnumerable<EnrollmentBody?> rows)
    {
        var caller = context.Caller();
        if (AccessPolicy.ActingRole(caller, VillageAction.Enroll) != Roles.PerisaiAgent) return null;
        if (caller.AgentId is null) return Problems.Result("forbidden", "Your token carries no PERISAI agent code (claim agent_id).", context);
        return rows.Any(r => r?.AgentId is { } named && named != caller.AgentId)
            ? Problems.Result("forbidden", "An agent enrols under the agent code of its own token; leave agentId out.", context)
            : null;
    }

    private static string? AgentOf(HttpContext context, EnrollmentBody body)
    {
        var caller = context.Caller();
        return AccessPolicy.ActingRole(caller, VillageAction.Enroll) == Roles.PerisaiAgent ? caller.AgentId : body.AgentId;
    }

    /// <summary>Presence and shape checks the grain cannot make on a typed request.</summary>
    internal static bool TryRequest(EnrollmentBody body, out EnrollmentRequest request, out Failure failure)
    {
        request = null!;
        failure = null!;
        string? missing = body.Nik is null ? "nik" : body.Name is null ? "name" : body.Occupation is null ? "occupation" : body.MonthlyIncome is null ? "monthlyIncome" : null;
        if (missing is not null)
        {
            failure = new Failure(missing == "nik" ? FailureCode.InvalidNik : FailureCode.InvalidEnrollment, $"{missing} is required.", missing);
            return false;
        }
        if (!Json.TryParsePrograms(body.Programs, out var programs))
        {
            failure = new Failure(FailureCode.InvalidEnrollment, "programs may list only JKK, JKM and JHT (JKK and JKM together).", "programs");
            return false;
        }
        request = new EnrollmentRequest(body.Nik!, body.Name!, body.Occupation!, body.MonthlyIncome!.Value, programs, body.AgentId);
        return true;
    }

    private static (int, EnrollmentRequest?, Failure?) ToRow(int row, EnrollmentBody? body, string? unreadable)
    {
        if (unreadable is not null || body is null) return (row, null, new Failure(FailureCode.InvalidEnrollment, unreadable ?? "The row is empty."));
        return TryRequest(body, out var request, out var failure) ? (row, request, null) : (row, null, failure);
    }

    private static BatchRowJson BatchRow(int row, EnrollmentOutcome outcome)
    {
        if (outcome.Failure is { } failure)
        {
            var problem = Problems.From(failure);
            return new BatchRowJson(row, "rejected", problem.Status ?? 400, null, null, problem);
        }
        var json = Json.Enrollment(outcome.Enrollment!);
        var status = outcome.Result == EnrollmentResult.Created ? 201 : 200;
        return new BatchRowJson(row, Json.Result(outcome.Result), status, json.EnrollmentId, json, null);
    }

    private static bool TryQueryInt(string? text, int min, int max, int fallback, out int value)
    {
        value = fallback;
        if (string.IsNullOrEmpty(text)) return true;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    private static IResult NotFound(string code, HttpContext context) =>
        Problems.Result(FailureCode.EnrollmentNotFound.Slug(), $"Village {code} has no enrolment with that id.", context);

    private static string Location(string code, string enrollmentId) => $"/api/villages/{code}/enrollments/{enrollmentId}";
}
