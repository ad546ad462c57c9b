namespace Villages.WebApi.Security;

/// <summary>Orleans' own dashboard (grains, silos, calls): for the national admin only.</summary>
public static class AdminDashboard
{
    public const string Path = "/dashboard";

    /// <summary>
    /// A browser cannot send a bearer header when it navigates to the dashboard: there, the token may
    /// come from a cookie the monitoring page sets for that path only.
    /// </summary>
    public const string Cookie = "villages_dashboard_token";

    /// <summary>
    /// Orleans' dashboard is a single-page app of its own: a module script, a style sheet and icon
    /// fonts from its own path, inline style attributes, JSON fetched from the same origin. Nothing
    /// from elsewhere, no inline script, no framing: a page that sees every grain is not embeddable.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
}
