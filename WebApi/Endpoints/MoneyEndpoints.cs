using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Endpoints;

/// <summary>
/// A programme's money with BPJS: its months (due, paid, late) and arrears, payments to record, and
/// memberships to reinstate after the late funds arrived.
/// </summary>
public static class MoneyEndpoints
{
    private const long PaymentBodyLimit = 8 * 1024;
    private const long ReinstatementBodyLimit = 256 * 1024;

    public static void MapMoneyEndpoints(this IEndpointRouteBuilder app)
    {
        var programme = app.MapGroup("/api/villages/{code}/programs/{year}").WithTags("Money").Guarded();
        programme.MapGet("/dues", Dues).WithName("getDues").Requires(VillageAction.ReadDues)
            .WithSummary("The programme's months: what is due to BPJS and by when (the 15th, or the next working day), what was paid, what is late; its payments and arrears.")
            .WithQueryParameter("fundingSource", "SD, SA or SL: which of the year's programmes, when it has several.", "SD")
            .WithQueryParameter("cohort", "vulnerable (default) or apparatus.", "vulnerable")
            .Produces<DuesView>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        programme.MapPost("/payments", Pay).WithName("recordPayment").Requires(VillageAction.RecordPayment)
            .WithSummary("Records a payment to BPJS for months of the programme: 201 the first time, 200 for the same reference and details again, 409 for the same reference with others.")
            .Accepts<PaymentRequest>("application/json").WithBodyLimit(PaymentBodyLimit)
            .Produces<PaymentOutcome>().Produces<PaymentOutcome>(201).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403)
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
        programme.MapPost("/reinstatements", Reinstate).WithName("reinstate").Requires(VillageAction.Reinstate)
            .WithSummary("Restores workers whose membership ended for arrears, once the late funds arrived (BPJS branch); one result per worker.")
            .Accepts<ReinstatementRequest>("application/json").WithBodyLimit(ReinstatementBodyLimit)
            .Produces<ReinstatementAnswer>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .ProducesProblem(413).ProducesProblem(415).ProducesProblem(503);
    }

    private static async Task<IResult> Dues(VillageTarget village, string year, HttpContext context, IGrainFactory grains)
    {
        if (!VillageEndpoints.TryYear(year, context, out var budgetYear, out var problem)) return problem;
        var query = context.Request.Query;
        var outcome = await grains.Village(village.Code).GetDues(budgetYear, query["fundingSource"].FirstOrDefault(), query["cohort"].FirstOrDefault());
        return outcome.Failure is not null ? Problems.Result(outcome.Failure, context) : TypedResults.Ok(outcome.Dues);
    }

    private static async Task<IResult> Pay(VillageTarget village, string year, HttpContext context, IGrainFactory grains)
    {
        if (!VillageEndpoints.TryYear(year, context, out var budgetYear, out var problem)) return problem;
        var body = await RequestBody.JsonAsync<PaymentRequest>(context);
        if (body.Problem is not null) return body.Problem;
        var request = body.Value!;
        var grain = grains.Village(village.Code);
        // Who pays depends on the programme's funder: find the programme first, then ask the policy.
        var programme = await grain.GetDues(budgetYear, request.FundingSource, request.Cohort);
        if (programme.Failure is not null) return Problems.Result(programme.Failure, context);
        var caller = context.Caller();
        if (!AccessPolicy.MayPay(caller, programme.Dues!.FundingSource))
        {
            return Problems.Result(ProblemType.Forbidden,
                $"The {programme.Dues.FundingSource} programme is paid by {(programme.Dues.FundingSource == FundingSource.SA ? "the regency (APBD)" : "the village")}: your role may not record its payments.", context);
        }
        var outcome = await grain.RecordPayment(budgetYear,
            request with { FundingSource = programme.Dues.FundingSource.ToString(), Cohort = programme.Dues.Cohort.ToString() }, context.Actor(VillageAction.RecordPayment));
        if (outcome.Failure is not null) return Problems.Result(outcome.Failure, context);
        return outcome.Created ? TypedResults.Created($"/api/villages/{village.Code}/programs/{budgetYear}/dues", outcome) : TypedResults.Ok(outcome);
    }

    private static async Task<IResult> Reinstate(VillageTarget village, string year, HttpContext context, IGrainFactory grains)
    {
        if (!VillageEndpoints.TryYear(year, context, out var budgetYear, out var problem)) return problem;
        var body = await RequestBody.JsonAsync<ReinstatementRequest>(context);
        if (body.Problem is not null) return body.Problem;
        var answer = await grains.Village(village.Code).Reinstate(budgetYear, body.Value!, context.Actor(VillageAction.Reinstate));
        return answer.Failure is not null ? Problems.Result(answer.Failure, context) : TypedResults.Ok(answer);
    }
}
