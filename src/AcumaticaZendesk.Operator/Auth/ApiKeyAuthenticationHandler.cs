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
    ApiKeyRegistry registry,
    IOptions<OperatorOptions> operatorOptions)
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

        var key = await registry.MatchAsync(presented, Context.RequestAborted).ConfigureAwait(false);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var jwt = operatorOptions.Value.Jwt;
        var claims = new List<Claim> { new(ClaimTypes.Name, $"apikey:{key.Name}") };
        claims.Add(key.Tenant is null ? new Claim(ClaimTypes.Role, jwt.AdminRole) : new Claim(jwt.TenantClaim, key.Tenant));
        var identity = new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
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
