using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.Connectors.Zendesk;

/// <summary>
/// One tenant's Zendesk tokens in the state store (<c>tokens:{tenant}:zendesk</c>), encrypted by the core's
/// <see cref="TenantTokenStore"/>. The client refreshes them and saves every rotated set here. With a
/// <paramref name="clientCredentials"/> grant, missing tokens and expiring tokens that have no refresh token are
/// obtained anew (and stored) instead of asking an operator.
/// </summary>
public sealed class EncryptedZendeskTokenSource(
    string tenantId,
    TenantTokens tokens,
    ZendeskClientCredentialsGrant? clientCredentials = null,
    TimeProvider? timeProvider = null,
    TimeSpan renewMargin = default) : IZendeskTokenSource, IZendeskTokenRenewal
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask<ZendeskTokenSet?> GetTokensAsync(ZendeskConnection connection, CancellationToken cancellationToken)
    {
        var current = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (clientCredentials is null || connection?.OAuth is null || !NeedsGrant(current))
            return current;

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = await LoadAsync(cancellationToken).ConfigureAwait(false);
            if (!NeedsGrant(current))
                return current;
            var issued = await clientCredentials.RequestAsync(connection, cancellationToken).ConfigureAwait(false);
            await SaveTokensAsync(connection, issued, cancellationToken).ConfigureAwait(false);
            return issued;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// With the client_credentials grant, a token Zendesk rejected before its time (revoked, or ended early) is
    /// replaced by a new grant instead of the tenant waiting for a human.
    /// </summary>
    public async ValueTask<ZendeskTokenSet?> RenewAsync(ZendeskConnection connection, CancellationToken cancellationToken)
    {
        if (clientCredentials is null || connection?.OAuth is null)
            return null;

        var issued = await clientCredentials.RequestAsync(connection, cancellationToken).ConfigureAwait(false);
        await SaveTokensAsync(connection, issued, cancellationToken).ConfigureAwait(false);
        return issued;
    }

    private bool NeedsGrant(ZendeskTokenSet? current) =>
        current is null
            || (string.IsNullOrEmpty(current.RefreshToken) && current.ExpiresWithin((timeProvider ?? TimeProvider.System).GetUtcNow(), renewMargin));

    private async Task<ZendeskTokenSet?> LoadAsync(CancellationToken cancellationToken)
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
