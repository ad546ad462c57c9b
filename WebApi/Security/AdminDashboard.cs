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
}
