using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.Auth;

/// <summary>
/// The one way an API key becomes an operator principal, for the API's <c>X-Api-Key</c> scheme and the console's
/// sign-in alike: named <c>apikey:{name}</c>, with the admin role for an unscoped key or the key's tenant claim, so
/// <see cref="OperatorAccess"/> decides the same for both.
/// </summary>
public sealed class OperatorPrincipals
{
    private readonly ApiKeyRegistry registry;
    private readonly IOptions<OperatorOptions> options;

    internal OperatorPrincipals(ApiKeyRegistry registry, IOptions<OperatorOptions> options)
    {
        this.registry = registry;
        this.options = options;
    }

    /// <summary>The principal of a presented key, or null when the key is not valid.</summary>
    public async Task<ClaimsPrincipal?> FromApiKeyAsync(string presented, string authenticationType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(presented);
        var key = await registry.MatchAsync(presented, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return null;
        }

        var jwt = options.Value.Jwt;
        var claims = new List<Claim> { new(ClaimTypes.Name, $"apikey:{key.Name}") };
        claims.Add(key.Tenant is null ? new Claim(ClaimTypes.Role, jwt.AdminRole) : new Claim(jwt.TenantClaim, key.Tenant));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }
}
