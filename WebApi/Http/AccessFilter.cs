using Villages.WebApi.Security;

namespace Villages.WebApi.Http;

/// <summary>Endpoint metadata: the action on the route's village or region that the caller must be allowed.</summary>
public sealed record RequiredAccess(VillageAction Action);

/// <summary>Endpoint metadata: the action the caller must be allowed somewhere, for an endpoint whose regions are in its body.</summary>
public sealed record RequiredAnywhere(VillageAction Action);

/// <summary>Endpoint metadata: any signed-in caller (the handler then asks the policy about what it finds).</summary>
public sealed record RequiredSignIn;

/// <summary>
/// The one guard of the API's route groups: it answers a route's unknown or malformed village or
/// region with its problem, then asks <see cref="AccessPolicy"/> once for what the endpoint
/// declares (401 without a token, 403 outside one's role or region). Handlers receive a resolved
/// target and an allowed caller, and check nothing themselves.
/// </summary>
public static class AccessFilter
{
    /// <summary>Guards every endpoint of the group.</summary>
    public static RouteGroupBuilder Guarded(this RouteGroupBuilder group) => group.AddEndpointFilter(InvokeAsync);

    /// <summary>The caller must be allowed this action on the route's village or region.</summary>
    public static RouteHandlerBuilder Requires(this RouteHandlerBuilder endpoint, VillageAction action) =>
        endpoint.WithMetadata(new RequiredAccess(action));

    /// <summary>
    /// The caller must be allowed this action in at least one region; the handler then asks the
    /// policy about each region its body names (an import's villages, the village a coverage answer names).
    /// </summary>
    public static RouteHandlerBuilder RequiresAnywhere(this RouteHandlerBuilder endpoint, VillageAction action) =>
        endpoint.WithMetadata(new RequiredAnywhere(action));

    /// <summary>The caller must be signed in.</summary>
    public static RouteHandlerBuilder RequiresSignIn(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new RequiredSignIn());

    /// <summary>Whether an endpoint needs a bearer token (for the OpenAPI document's security requirements).</summary>
    public static bool NeedsToken(EndpointMetadataCollection metadata) =>
        metadata.GetMetadata<RequiredAccess>() is not null || metadata.GetMetadata<RequiredAnywhere>() is not null
        || metadata.GetMetadata<RequiredSignIn>() is not null;

    private static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var target = invocation.Arguments.OfType<ITarget>().FirstOrDefault();
        if (target?.Problem is { } problem) return problem;
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RequiredAccess>() is { } required && target is not null)
        {
            var caller = context.Caller();
            switch (AccessPolicy.Decide(caller, required.Action, target.Region.Code))
            {
                case Access.Unauthenticated: return Unauthenticated(context);
                case Access.Forbidden: return Problems.Result(ProblemType.Forbidden, AccessPolicy.Explain(caller, required.Action, target.Region.Code), context);
            }
        }
        if (metadata?.GetMetadata<RequiredAnywhere>() is { } anywhere)
        {
            var caller = context.Caller();
            switch (AccessPolicy.DecideAnywhere(caller, anywhere.Action))
            {
                case Access.Unauthenticated: return Unauthenticated(context);
                case Access.Forbidden: return Problems.Result(ProblemType.Forbidden, AccessPolicy.Explain(caller, anywhere.Action, null), context);
            }
        }
        if (metadata?.GetMetadata<RequiredSignIn>() is not null && !context.Caller().Authenticated) return Unauthenticated(context);
        return await next(invocation);
    }

    private static IResult Unauthenticated(HttpContext context) =>
        Problems.Result(ProblemType.Unauthenticated, "Sign in: this needs a bearer token from the campaign's identity provider.", context);
}
