using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>
/// Acumatica's authorization-code flow with PKCE, over the Acumatica client's <see cref="IAcumaticaOAuthService"/>, with
/// the connection and OAuth client <see cref="TenantClients"/> builds for the sync.
/// </summary>
internal sealed class AcumaticaOAuthFlow(IAcumaticaOAuthService oauth, TenantClients clients) : IOAuthFlow
{
    public ConnectedSystem System => ConnectedSystem.Acumatica;

    public async Task<OAuthAuthorization> CreateAuthorizationAsync(TenantConfig tenant, Uri redirectUri, string state, CancellationToken cancellationToken)
    {
        var (connection, client) = await clients.AcumaticaConsentAsync(tenant, cancellationToken).ConfigureAwait(false);
        var request = oauth.CreateAuthorizationRequest(connection, client, redirectUri, state);
        return new OAuthAuthorization(request.Url, request.State, request.CodeVerifier);
    }

    public async Task<TokenSet> ExchangeCodeAsync(TenantConfig tenant, string code, Uri redirectUri, string codeVerifier, CancellationToken cancellationToken)
    {
        var (connection, client) = await clients.AcumaticaConsentAsync(tenant, cancellationToken).ConfigureAwait(false);
        var tokens = await oauth.ExchangeCodeAsync(connection, client, code, redirectUri, codeVerifier, cancellationToken).ConfigureAwait(false);
        clients.Forget(tenant.Id);
        return new TokenSet(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt, null, tokens.Scope);
    }
}
