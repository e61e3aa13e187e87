using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Connectors.Acumatica;

/// <summary>
/// One tenant's Acumatica tokens in the state store (<c>tokens:{tenant}:acumatica</c>), encrypted by the
/// core's <see cref="TenantTokenStore"/>. The client saves every rotated refresh token here at once.
/// </summary>
public sealed class EncryptedAcumaticaTokenStore(string tenantId, TenantTokens tokens) : IAcumaticaTokenStore
{
    public async Task<AcumaticaTokenSet?> LoadAsync(CancellationToken cancellationToken)
    {
        var store = await tokens.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var set = await store.GetAsync(tenantId, ConnectedSystem.Acumatica, cancellationToken).ConfigureAwait(false);
        if (set is null)
            return null;

        // Tokens stored without an expiry (e.g. by an operator tool): refresh first when possible, else try them.
        var expiresAt = set.AccessTokenExpiresAt ?? (set.RefreshToken is null ? DateTimeOffset.MaxValue : DateTimeOffset.UnixEpoch);
        return new AcumaticaTokenSet(set.AccessToken, set.RefreshToken, expiresAt, set.Scope);
    }

    public async Task SaveAsync(AcumaticaTokenSet issued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var store = await tokens.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        await store.SaveAsync(
            tenantId,
            ConnectedSystem.Acumatica,
            new TokenSet(issued.AccessToken, issued.RefreshToken, issued.ExpiresAt, RefreshTokenExpiresAt: null, issued.Scope),
            cancellationToken).ConfigureAwait(false);
    }
}
