using AcumaticaZendesk.Operator;
using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.Sync.Ports;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.OperatorConsole;

/// <summary>
/// The console's OpenID Connect sign-in: authorization code + PKCE (the handler's nonce, state and id_token checks:
/// issuer from the provider's metadata, audience = the client id, signature by the provider's JWKS), and three rules of
/// its own: the redirect URI is built on <c>Operator:PublicBaseUrl</c> when set (behind an ingress the worker does not
/// see its public address), a person with neither the admin role nor a tenant claim is refused (<see cref="OperatorAccess.IsOperator"/>),
/// and every refusal ends on the sign-in page in words, logged at Warning without any token.
/// </summary>
internal static class ConsoleOidc
{
    public const string CallbackPath = OperatorConsoleExtensions.BasePath + "/signin-oidc";

    /// <summary>The sign-in page's <c>error</c> when the provider signed in someone who may see no tenant.</summary>
    public const string NotAnOperator = "not-an-operator";

    /// <summary>The sign-in page's <c>error</c> when the provider's answer was refused or carried an error.</summary>
    public const string Failed = "oidc-failed";

    private const int MaxLoggedReason = 300;

    public static void Configure(OpenIdConnectOptions o, OidcOptions options)
    {
        o.SignInScheme = OperatorConsoleExtensions.CookieScheme;
        o.Authority = options.Authority;
        o.ClientId = options.ClientId;
        o.ResponseType = "code";
        o.UsePkce = true;
        o.MapInboundClaims = false;
        o.CallbackPath = CallbackPath;
        o.SignedOutCallbackPath = OperatorConsoleExtensions.BasePath + "/signout-callback-oidc";
        o.TokenValidationParameters.RoleClaimType = "roles";
        o.TokenValidationParameters.NameClaimType = "preferred_username";
        o.Scope.Clear();
        foreach (var scope in options.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            o.Scope.Add(scope);
        }

        o.Events.OnRedirectToIdentityProvider = context =>
        {
            var publicBase = context.HttpContext.RequestServices.GetRequiredService<IOptions<OperatorOptions>>().Value.PublicBaseUrl;
            if (publicBase is not null)
            {
                context.ProtocolMessage.RedirectUri = publicBase.AbsoluteUri.TrimEnd('/') + CallbackPath;
            }

            return Task.CompletedTask;
        };
        o.Events.OnAuthorizationCodeReceived = async context =>
        {
            // The client secret lives in the secret store, read when it is needed.
            if (options.ClientSecretName is { Length: > 0 } name)
            {
                var secrets = context.HttpContext.RequestServices.GetRequiredService<ISecretSource>();
                context.TokenEndpointRequest!.ClientSecret = await secrets.GetSecretAsync(name, context.HttpContext.RequestAborted).ConfigureAwait(false);
            }
        };
        o.Events.OnTokenValidated = context =>
        {
            var services = context.HttpContext.RequestServices;
            if (context.Principal is { } person && !services.GetRequiredService<OperatorAccess>().IsOperator(person))
            {
                var jwt = services.GetRequiredService<IOptions<OperatorOptions>>().Value.Jwt;
                Logger(services).LogWarning(
                    "Console sign-in of {Subject} refused: the OpenID Connect provider signed them in, but the token has neither the role {AdminRole} nor a "
                        + "{TenantClaim} claim",
                    person.FindFirst("sub")?.Value ?? OperatorAccess.Unknown, jwt.AdminRole, jwt.TenantClaim);
                context.Response.Redirect(SignInPage(context.Request.PathBase, NotAnOperator));
                context.HandleResponse();
            }

            return Task.CompletedTask;
        };
        o.Events.OnRemoteFailure = context =>
        {
            var reason = context.Failure?.Message ?? "no reason given";
            Logger(context.HttpContext.RequestServices).LogWarning(
                "Console sign-in with OpenID Connect refused from {RemoteIp}: {Reason}",
                context.HttpContext.Connection.RemoteIpAddress, reason.Length <= MaxLoggedReason ? reason : reason[..MaxLoggedReason]);
            context.Response.Redirect(SignInPage(context.Request.PathBase, Failed));
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    private static string SignInPage(string? pathBase, string error) => $"{pathBase}{OperatorConsoleExtensions.BasePath}/sign-in?error={error}";

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger("AcumaticaZendesk.OperatorConsole.ConsoleOidc");
}
