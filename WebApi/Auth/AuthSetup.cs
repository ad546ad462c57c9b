using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Orleans.Dashboard;
using Villages.Silo.Configuration;
using Villages.Silo.Postgres;
using Villages.WebApi.Http;
using Villages.WebApi.Security;

namespace Villages.WebApi.Auth;

/// <summary>ASP.NET Core's JWT bearer authentication, from an OIDC provider and, in Development, the local issuer.</summary>
public static partial class AuthSetup
{
    private const string FailureKey = "villages.auth-failure";

    public static WebApplicationBuilder AddVillagesAuth(this WebApplicationBuilder builder)
    {
        var options = builder.Services.AddValidatedOptions<AuthOptions>(builder.Configuration, AuthOptions.Section);
        var development = builder.Environment.IsDevelopment() && options.DevelopmentTokens.Enabled;
        SymmetricSecurityKey? developmentKey = null;
        if (development)
        {
            developmentKey = new SymmetricSecurityKey(DevelopmentKey(builder.Configuration, builder.Environment.ContentRootPath, options));
            builder.Services.AddSingleton(sp => new DevelopmentTokenIssuer(developmentKey, options, TimeProvider.System));
        }
        var validated = new ValidatedTokens(TimeProvider.System); // the system clock, as the token handler's own
        builder.Services.AddSingleton(validated);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false; // keep "sub", "role", "region" as the provider names them
            if (!string.IsNullOrEmpty(options.Authority)) jwt.Authority = options.Authority;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidAudience = options.Audience,
                ValidIssuers = development ? [options.DevelopmentTokens.Issuer, options.Authority ?? ""] : null,
                ValidateIssuer = !string.IsNullOrEmpty(options.Authority) || development,
                IssuerSigningKeys = developmentKey is null ? null : [developmentKey],
                RoleClaimType = options.RoleClaim,
                NameClaimType = "sub",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            jwt.Events = new JwtBearerEvents
            {
                // A browser cannot send a bearer header when it navigates to the cluster dashboard:
                // there, the token may come from a cookie the monitoring page sets for that path only.
                OnMessageReceived = context =>
                {
                    if (context.Request.Path.StartsWithSegments(AdminDashboard.Path) && context.Request.Headers.Authorization.Count == 0
                        && context.Request.Cookies.TryGetValue(AdminDashboard.Cookie, out var token))
                    {
                        context.Token = token;
                    }
                    if ((context.Token ?? BearerOf(context.Request)) is { } presented && validated.Find(presented) is { } principal)
                    {
                        context.Principal = principal;
                        context.Success();
                    }
                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    if (context.SecurityToken is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken token && context.Principal is { } principal)
                    {
                        validated.Keep(token.EncodedToken, principal, token.ValidTo);
                    }
                    return Task.CompletedTask;
                },
                OnAuthenticationFailed = context =>
                {
                    context.HttpContext.Items[FailureKey] = context.Exception switch
                    {
                        SecurityTokenExpiredException => "The token has expired.",
                        SecurityTokenNotYetValidException => "The token is not valid yet.",
                        SecurityTokenInvalidAudienceException => $"The token is not meant for this API (audience {options.Audience}).",
                        SecurityTokenInvalidIssuerException => "The token comes from an issuer this API does not trust.",
                        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
                        _ => "The token is not valid.",
                    };
                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorization(policies => policies.AddPolicy(Roles.NationalAdmin,
            policy => policy.RequireAuthenticatedUser().RequireClaim(options.RoleClaim, Roles.NationalAdmin)));
        return builder;
    }

    public static WebApplication UseVillagesAuth(this WebApplication app)
    {
        app.UseAuthentication();
        // A request that brings a token must bring a valid one, whatever it asks for.
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Authorization.Count > 0 && context.User.Identity?.IsAuthenticated != true)
            {
                var reason = context.Items[FailureKey] as string ?? "Send the token as 'Authorization: Bearer <token>'.";
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await Problems.WriteAsync(context, ProblemType.Unauthenticated, reason);
                return;
            }
            await next(context);
        });
        app.UseAuthorization();
        if (app.Services.GetService<DevelopmentTokenIssuer>() is not null) app.MapDevelopmentTokens();
        // Orleans' own dashboard (grains, silos, calls), for the national admin only.
        app.MapOrleansDashboard(AdminDashboard.Path).RequireAuthorization(Roles.NationalAdmin);
        return app;
    }

    /// <summary>The token of an "Authorization: Bearer ..." header, as the JWT handler reads it.</summary>
    private static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    /// <summary>The configured development key, else one kept beside the local database, else a fresh one for this process.</summary>
    private static byte[] DevelopmentKey(IConfiguration configuration, string contentRoot, AuthOptions options)
    {
        if (!string.IsNullOrEmpty(options.DevelopmentTokens.SigningKey)) return Convert.FromBase64String(options.DevelopmentTokens.SigningKey);
        var folder = LocalDatabase.Folder(configuration, contentRoot);
        if (!Directory.Exists(folder)) return System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        return Convert.FromBase64String(SecretFile.ReadOrCreate(Path.Combine(folder, "development-token-key"), () => SecretFile.NewRandom(32)));
    }
}
