using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Ports;

/// <summary>An authorize URL plus what must stay server-side until the callback.</summary>
public sealed record OAuthAuthorization(Uri Url, string State, string CodeVerifier)
{
    public override string ToString() => $"OAuthAuthorization {{ Url = {Url}, State = ***, CodeVerifier = *** }}";
}

/// <summary>
/// The OAuth authorization-code flow (with PKCE, S256) of one system for a tenant. The library implements
/// Acumatica (over <c>IAcumaticaOAuthService</c>) and Zendesk (<c>/oauth/authorizations/new</c>, <c>/oauth/tokens</c>).
/// </summary>
public interface IOAuthFlow
{
    ConnectedSystem System { get; }

    /// <summary>Builds the authorize URL with <paramref name="state"/> and a fresh PKCE verifier.</summary>
    Task<OAuthAuthorization> CreateAuthorizationAsync(TenantConfig tenant, Uri redirectUri, string state, CancellationToken cancellationToken);

    /// <summary>Redeems the code (with the verifier) for tokens.</summary>
    Task<TokenSet> ExchangeCodeAsync(TenantConfig tenant, string code, Uri redirectUri, string codeVerifier, CancellationToken cancellationToken);
}
