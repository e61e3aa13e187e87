using AcumaticaZendesk.Operator;
using AcumaticaZendesk.OperatorConsole.Components;
using AcumaticaZendesk.OperatorConsole.Overview;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.OperatorConsole;

/// <summary>
/// The operator console at <see cref="BasePath"/>: <c>services.AddOperatorConsole(configuration)</c> after
/// <c>AddOperatorApi</c>, and <c>app.MapOperatorConsole()</c>. Blazor static server rendering; a cookie session
/// signed in with an operator API key (or OpenID Connect when configured); the operator API's services behind it.
/// </summary>
public static class OperatorConsoleExtensions
{
    public const string BasePath = "/console";
    public const string CookieScheme = "OperatorConsole";
    public const string OidcScheme = "OperatorConsoleOidc";
    public const string PolicyName = "OperatorConsole";

    public static IServiceCollection AddOperatorConsole(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConsoleOptions.SectionName);
        services.AddOptions<ConsoleOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var options = section.Get<ConsoleOptions>() ?? new ConsoleOptions();

        services.AddRazorComponents();
        services.AddCascadingAuthenticationState();
        services.TryAddSingleton<TenantOverview>();

        var authentication = services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "operator-console";
            o.Cookie.Path = "/";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = BasePath + "/sign-in";
            o.LogoutPath = BasePath + "/sign-out";
            o.AccessDeniedPath = BasePath + "/sign-in";
            o.ExpireTimeSpan = options.SessionLifetime;
            o.SlidingExpiration = true;
        });
        if (options.Oidc.Enabled)
        {
            authentication.AddOpenIdConnect(OidcScheme, o => ConsoleOidc.Configure(o, options.Oidc));
        }

        services.AddAuthorizationBuilder().AddPolicy(PolicyName, p =>
        {
            p.AddAuthenticationSchemes(CookieScheme);
            p.RequireAuthenticatedUser();
        });
        return services;
    }

    /// <summary>Adds the antiforgery middleware (the console's forms need it) and maps the console's pages and endpoints.</summary>
    public static WebApplication MapOperatorConsole(this WebApplication endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.UseAntiforgery();
        var environment = endpoints.Services.GetRequiredService<IWebHostEnvironment>();
        endpoints.MapStaticAssets(StaticAssetsManifest.Find(environment.ApplicationName));
        endpoints.MapRazorComponents<App>();
        endpoints.MapPost(BasePath + "/sign-out", SignOutAsync).RequireAuthorization(PolicyName);
        endpoints.MapGet(BasePath + "/sign-in/oidc", (IOptions<ConsoleOptions> o) => o.Value.Oidc.Enabled
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = BasePath }, [OidcScheme])
                : Results.NotFound())
            .AllowAnonymous();
        ConsoleFragments.Map(endpoints);
        return endpoints;
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Results.BadRequest("The sign-out form is stale; reload the page and try again.");
        }

        await context.SignOutAsync(CookieScheme).ConfigureAwait(false);
        return Results.Redirect(context.Request.PathBase + BasePath + "/sign-in");
    }
}
