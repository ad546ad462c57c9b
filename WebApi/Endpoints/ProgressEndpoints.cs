using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using Villages.Regions;
using Villages.WebApi.Http;
using Villages.WebApi.Progress;

namespace Villages.WebApi.Endpoints;

/// <summary>
/// Live progress, nation > province > regency > district, answered from this node's memory
/// (see <see cref="ProgressFeed"/>), and pushed as Server-Sent Events.
/// </summary>
public static class ProgressEndpoints
{
    private const int DefaultPage = 50;
    private const int MaximumPage = 500;
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static void MapProgressEndpoints(this IEndpointRouteBuilder app)
    {
        var progress = app.MapGroup("/api/progress").WithTags("Progress").Guarded();
        progress.MapGet("", (HttpContext context, ProgressFeed feed) => Get(RegionTarget.Nation(context), context, feed))
            .WithName("getNationalProgress")
            .WithSummary("The nation's progress and each province's.").Produces<ProgressJson>().Produces(304).ProducesProblem(503);
        progress.MapGet("/stream", Stream).WithName("streamProgress")
            .WithSummary("Server-Sent Events: the region's progress now and at every change (coalesced), with a heartbeat.")
            .WithQueryParameter("region", "ID (the nation, the default), a province (PP), regency (PP.RR) or district (PP.RR.DD).", "35.10")
            .LimitsRunning("live streams open (per caller, and on this node)")
            .Produces<string>(200, "text/event-stream").ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        progress.MapGet("/{region}", Get).WithName("getProgress")
            .WithSummary("A province (PP), regency (PP.RR) or district (PP.RR.DD): its figures and each child region's. ID is the nation.")
            .Produces<ProgressJson>().Produces(304).ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        progress.MapGet("/{region}/lagging", Lagging).WithName("getLagging")
            .WithSummary("Villages furthest behind their target (most workers short first), or with notStarted=true those without a programme.")
            .Produces<LaggingJson>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        progress.MapGet("/{region}/arrears", Arrears).WithName("getArrears")
            .WithSummary("Villages with contributions in arrears, the most owed first (a regency's whole list).")
            .Produces<ArrearsJson>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        progress.MapGet("/{region}/agents", Agents).WithName("getAgents")
            .WithSummary("PERISAI agents' results in the region: active enrolments, monthly premiums and contributions collected (the commission's base), best first.")
            .Produces<AgentJson[]>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
    }

    /// <summary>The figures as ready bytes from memory; 304 to a caller that has them already (If-None-Match).</summary>
    private static async Task<IResult> Get(RegionTarget target, HttpContext context, ProgressFeed feed)
    {
        var snapshot = await feed.GetAsync(target.Region, context.RequestAborted);
        context.Response.Headers.ETag = snapshot.ETag;
        context.Response.Headers.CacheControl = "no-cache"; // may be kept, but asked again every time
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag == snapshot.ETag || tag == "*")) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(snapshot.Json, "application/json");
    }

    private static async Task Stream(RegionTarget target, HttpContext context, ProgressFeed feed, StreamSlots slots, LimitOptions limits)
    {
        using var slot = slots.TryTake(context.ClientKey(), out var refusal);
        if (slot is null)
        {
            await Problems.WriteAsync(context, ProblemType.TooManyStreams, refusal!, limits.RetryAfterSeconds);
            return;
        }
        var found = target.Region;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // proxies must not buffer a stream
        await response.WriteAsync("retry: 3000\n\n", context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
        await using var changes = feed.ChangesAsync(found, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
        var next = changes.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                var heartbeat = Task.Delay(Heartbeat, beat.Token);
                var first = await Task.WhenAny(next, heartbeat);
                await beat.CancelAsync(); // the heartbeat's timer goes with it
                if (first != next)
                {
                    await response.WriteAsync(": heartbeat\n\n", context.RequestAborted);
                }
                else
                {
                    if (!await next) break;
                    var snapshot = changes.Current;
                    await response.WriteAsync($"id: {snapshot.Progress.Version}\nevent: progress\ndata: ", context.RequestAborted);
                    await response.Body.WriteAsync(snapshot.Json, context.RequestAborted);
                    await response.WriteAsync("\n\n", context.RequestAborted);
                    next = changes.MoveNextAsync().AsTask();
                }
                await response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the screen went away
        }
    }

    private static async Task<IResult> Lagging(RegionTarget target, HttpContext context, ProgressFeed feed, [FromServices] RegionCatalog catalog, IGrainFactory grains,
        string? offset, string? limit, string? notStarted)
    {
        var found = target.Region;
        if (!TryPage(offset, limit, out var from, out var take) || !TryFlag(notStarted, out var unopened))
        {
            return Problems.Result(ProblemType.InvalidQuery, $"offset is a whole number from 0, limit from 1 to {MaximumPage}, notStarted true or false.", context);
        }
        if (unopened)
        {
            var page = await grains.Region(found.Code).GetNotStarted(from, take);
            var villages = page.Codes.Select(code => catalog.Find(code)!).Select(v => ProgressMapping.Lagging(v, 0, 0) with { TargetWorkers = 0, Shortfall = 0 });
            return TypedResults.Ok(new LaggingJson(ProgressMapping.Region(found), "not-started", page.Total, from, take, [.. villages]));
        }
        var snapshot = await feed.GetAsync(found, context.RequestAborted);
        var lagging = snapshot.Progress.Figures.MostLagging;
        var rows = lagging.Skip(from).Take(take).Select(v => ProgressMapping.Lagging(catalog.Find(v.Code)!, v.TargetWorkers, v.WorkersEnrolled));
        // Total is what can be paged: the most lagging villages a region keeps (all of them in a district).
        return TypedResults.Ok(new LaggingJson(ProgressMapping.Region(found), "behind-target", lagging.Length, from, take, [.. rows]));
    }

    private static async Task<IResult> Arrears(RegionTarget target, HttpContext context, ProgressFeed feed, [FromServices] RegionCatalog catalog,
        string? offset, string? limit)
    {
        if (!TryPage(offset, limit, out var from, out var take))
        {
            return Problems.Result(ProblemType.InvalidQuery, $"offset is a whole number from 0, limit from 1 to {MaximumPage}.", context);
        }
        var snapshot = await feed.GetAsync(target.Region, context.RequestAborted);
        var villages = snapshot.Progress.Figures.MostInArrears;
        return TypedResults.Ok(new ArrearsJson(ProgressMapping.Region(target.Region), villages.Length, from, take,
            [.. villages.Skip(from).Take(take).Select(v => ProgressMapping.Arrears(catalog.Find(v.Code)!, v))]));
    }

    private static async Task<IResult> Agents(RegionTarget target, HttpContext context, ProgressFeed feed, string? limit)
    {
        if (!TryPage(null, limit, out _, out var take)) return Problems.Result(ProblemType.InvalidQuery, $"limit is from 1 to {MaximumPage}.", context);
        var snapshot = await feed.GetAsync(target.Region, context.RequestAborted);
        return TypedResults.Ok(snapshot.Progress.Figures.TopAgents.Take(take).Select(ProgressMapping.Agent).ToArray());
    }

    private static bool TryPage(string? offset, string? limit, out int from, out int take)
    {
        from = 0;
        take = DefaultPage;
        return (string.IsNullOrEmpty(offset) || (int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out from) && from >= 0))
            && (string.IsNullOrEmpty(limit) || (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) && take is >= 1 and <= MaximumPage));
    }

    private static bool TryFlag(string? text, out bool value)
    {
        value = false;
        return string.IsNullOrEmpty(text) || bool.TryParse(text, out value);
    }
}
