namespace Villages.WebApi.Http;

/// <summary>The OpenAPI document at /openapi/v1.json.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddVillagesOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            // Orleans' dashboard is its own application under /dashboard, not part of this API.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("dashboard", StringComparison.Ordinal) != true;
        });
}
