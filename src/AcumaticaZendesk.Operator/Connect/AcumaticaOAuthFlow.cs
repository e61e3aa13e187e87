using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>Acumatica's authorization-code flow with PKCE, over the Acumatica client's <see cref="IAcumaticaOAuthService"/>.</summary>
internal sealed class AcumaticaOAuthFlow(IAcumaticaOAuthService oauth, ISecretSource secrets) : IOAuthFlow
{
    public ConnectedSystem System => ConnectedSystem.Acumatica;

    public async Task<OAuthAuthorization> CreateAuthorizationAsync(TenantConfig tenant, Uri redirectUri, string state, CancellationToken cancellationToken)
    {
        var client = await TenantAcumatica.OAuthClientAsync(secrets, tenant.Id, cancellationToken).ConfigureAwait(false);
        var request = oauth.CreateAuthorizationRequest(TenantAcumatica.Connection(tenant), client, redirectUri, state);
        return new OAuthAuthorization(request.Url, request.State, request.CodeVerifier);
    }

    public async Task<TokenSet> ExchangeCodeAsync(TenantConfig tenant, string code, Uri redirectUri, string codeVerifier, CancellationToken cancellationToken)
    {
        var client = await TenantAcumatica.OAuthClientAsync(secrets, tenant.Id, cancellationToken).ConfigureAwait(false);
        var tokens = await oauth.ExchangeCodeAsync(TenantAcumatica.Connection(tenant), client, code, redirectUri, codeVerifier, cancellationToken).ConfigureAwait(false);
        return TenantAcumatica.ToTokenSet(tokens);
    }
}
