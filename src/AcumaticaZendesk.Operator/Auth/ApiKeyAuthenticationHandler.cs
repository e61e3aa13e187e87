using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.Auth;

/// <summary>
/// <c>Authorization: ApiKey &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>. No key → no result (401 on challenge);
/// an unknown key → failure (401). The principal is named <c>apikey:{name}</c> and carries the key's tenant
/// scope, or the admin role for an unscoped key.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperatorPrincipals principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "OperatorApiKey";
    private const string HeaderScheme = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = ReadKey();
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        ClaimsPrincipal? principal;
        try
        {
            principal = await principals.FromApiKeyAsync(presented, SchemeName, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (SidecarUnavailable.Is(ex))
        {
            // The key cannot be checked: OperatorAuthorizationResultHandler answers 503 with the fix, not 401.
            Context.Features.Set(new SidecarUnavailableFeature());
            return AuthenticateResult.NoResult();
        }

        return principal is null
            ? AuthenticateResult.Fail("The API key is not valid.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append("WWW-Authenticate", HeaderScheme);
        return Task.CompletedTask;
    }

    private string? ReadKey()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith(HeaderScheme + " ", StringComparison.OrdinalIgnoreCase))
        {
            var value = authorization[(HeaderScheme.Length + 1)..].Trim();
            return value.Length > 0 ? value : null;
        }

        var header = Request.Headers["X-Api-Key"].ToString().Trim();
        return header.Length > 0 ? header : null;
    }
}
