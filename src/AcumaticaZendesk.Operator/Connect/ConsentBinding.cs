using System.Security.Cryptography;
using System.Text;
using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>
/// Binds a consent to its initiator (issue 17 finding 4). Starting a consent sets a random nonce in an HttpOnly cookie
/// (<c>operator-connect-{system}</c>, path of the callbacks, SameSite=Lax so the identity provider's redirect carries
/// it) and stores only its SHA-256 with the state. The callback completes the consent only for the browser with that
/// cookie, or for a request carrying an operator credential of the same principal that started it (the curl flow:
/// the operator repeats the callback URL with their key). A victim who opens an attacker's authorize URL has neither.
/// </summary>
internal static class ConsentBinding
{
    public static string CookieName(ConnectedSystem system) => "operator-connect-" + system.ToString().ToLowerInvariant();

    /// <summary>Sets the cookie on the start answer; returns the hash to keep with the state.</summary>
    public static string IssueCookie(HttpContext context, ConnectedSystem system, DateTimeOffset expiresAt)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        context.Response.Cookies.Append(CookieName(system), nonce, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = $"{context.Request.PathBase}{OperatorApi.RoutePrefix}/connect",
            Expires = expiresAt,
        });
        return Hash(nonce);
    }

    public static async Task<bool> IsInitiatorAsync(HttpContext context, PendingConnect pending, OperatorAccess access)
    {
        if (pending.BrowserBindingHash is { } expected
            && context.Request.Cookies[CookieName(pending.System)] is { Length: > 0 } nonce
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Hash(nonce))))
        {
            return true;
        }

        var policy = await context.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>()
            .GetPolicyAsync(OperatorApi.PolicyName).ConfigureAwait(false);
        foreach (var scheme in policy?.AuthenticationSchemes ?? [])
        {
            var result = await context.AuthenticateAsync(scheme).ConfigureAwait(false);
            if (result.Succeeded
                && !string.Equals(pending.RequestedBy, OperatorAccess.Unknown, StringComparison.Ordinal)
                && string.Equals(access.Who(result.Principal), pending.RequestedBy, StringComparison.Ordinal)
                && access.CanAccess(result.Principal, pending.TenantId))
            {
                return true;
            }
        }

        return false;
    }

    private static string Hash(string nonce) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(nonce)));
}
