using Villages.WebApi.Security;

namespace Villages.WebApi.Http;

/// <summary>Endpoint metadata: the action on the route's village or region that the caller must be allowed.</summary>
public sealed record RequiredAccess(VillageAction Action);

/// <summary>Endpoint metadata: a signed-in caller, with one of these roles when any are named.</summary>
public sealed record RequiredRoles(string[] Roles, string Refusal);

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

    /// <summary>The caller must be signed in, with one of these roles when any are named.</summary>
    public static RouteHandlerBuilder RequiresSignIn(this RouteHandlerBuilder endpoint, string refusal = "", params string[] roles) =>
        endpoint.WithMetadata(new RequiredRoles(roles, refusal));

    /// <summary>Whether an endpoint needs a bearer token (for the OpenAPI document's security requirements).</summary>
    public static bool NeedsToken(EndpointMetadataCollection metadata) =>
        metadata.GetMetadata<RequiredAccess>() is not null || metadata.GetMetadata<RequiredRoles>() is not null;

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
        if (metadata?.GetMetadata<RequiredRoles>() is { } roles)
        {
            var caller = context.Caller();
            if (!caller.Authenticated) return Unauthenticated(context);
            if (roles.Roles.Length > 0 && !caller.HasAny(roles.Roles)) return Problems.Result(ProblemType.Forbidden, roles.Refusal, context);
        }
        return await next(invocation);
    }

    private static IResult Unauthenticated(HttpContext context) =>
        Problems.Result(ProblemType.Unauthenticated, "Sign in: this needs a bearer token from the campaign's identity provider.", context);
}
