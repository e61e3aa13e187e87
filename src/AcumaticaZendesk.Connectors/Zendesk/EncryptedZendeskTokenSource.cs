using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.Connectors.Zendesk;

/// <summary>
/// One tenant's Zendesk tokens in the state store (<c>tokens:{tenant}:zendesk</c>), encrypted by the core's
/// <see cref="TenantTokenStore"/>. The client refreshes them and saves every rotated set here.
/// </summary>
public sealed class EncryptedZendeskTokenSource(string tenantId, TenantTokens tokens) : IZendeskTokenSource
{
    public async ValueTask<ZendeskTokenSet?> GetTokensAsync(ZendeskConnection connection, CancellationToken cancellationToken)
    {
        var store = await tokens.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var set = await store.GetAsync(tenantId, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false);
        return set is null ? null : new ZendeskTokenSet(set.AccessToken, set.RefreshToken, set.AccessTokenExpiresAt, set.RefreshTokenExpiresAt, set.Scope);
    }

    public async ValueTask SaveTokensAsync(ZendeskConnection connection, ZendeskTokenSet issued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var store = await tokens.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        await store.SaveAsync(
            tenantId,
            ConnectedSystem.Zendesk,
            new TokenSet(issued.AccessToken, issued.RefreshToken, issued.ExpiresAt, issued.RefreshTokenExpiresAt, issued.Scope),
            cancellationToken).ConfigureAwait(false);
    }
}
