using System.Security.Cryptography;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>
/// Zendesk's authorization-code flow with PKCE, over the Zendesk client's <see cref="ZendeskOAuthClient"/>, with the
/// connection and OAuth client <see cref="TenantClients"/> builds for the sync.
/// </summary>
internal sealed class ZendeskOAuthFlow(ZendeskOAuthClient oauth, TenantClients clients) : IOAuthFlow
{
    public ConnectedSystem System => ConnectedSystem.Zendesk;

    public async Task<OAuthAuthorization> CreateAuthorizationAsync(TenantConfig tenant, Uri redirectUri, string state, CancellationToken cancellationToken)
    {
        var request = ZendeskOAuthClient.CreateAuthorizationRequest(
            await clients.ZendeskConsentAsync(tenant, redirectUri, cancellationToken).ConfigureAwait(false),
            state);
        return new OAuthAuthorization(request.AuthorizeUrl, request.State, request.CodeVerifier);
    }

    public async Task<TokenSet> ExchangeCodeAsync(TenantConfig tenant, string code, Uri redirectUri, string codeVerifier, CancellationToken cancellationToken)
    {
        var connection = await clients.ZendeskConsentAsync(tenant, redirectUri, cancellationToken).ConfigureAwait(false);
        try
        {
            var tokens = await oauth.ExchangeCodeAsync(connection, code, codeVerifier, cancellationToken).ConfigureAwait(false);
            clients.Forget(tenant.Id);
            return new TokenSet(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt, tokens.RefreshTokenExpiresAt, tokens.Scope);
        }
        catch (ZendeskOAuthException ex)
        {
            throw new OAuthExchangeException(
                ConnectedSystem.Zendesk,
                $"Zendesk refused the authorization code ({ex.Error ?? "no error code"}); start the connection again.",
                ex);
        }
    }
}

/// <summary>Random OAuth state values.</summary>
internal static class Pkce
{
    public static string NewState() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A system refused the code exchange (wrong/used code, PKCE mismatch, bad client).</summary>
public sealed class OAuthExchangeException(ConnectedSystem system, string message, Exception? inner = null) : Exception(message, inner)
{
    public ConnectedSystem System { get; } = system;
}
