using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.Credentials;

/// <summary>
/// Gives the adapters the core's <see cref="TenantTokenStore"/> (tokens encrypted with AES-256-GCM at rest).
/// The key ring comes from the secret store (<see cref="SecretNames.TokenEncryptionKeys"/>,
/// <see cref="SecretNames.TokenEncryptionCurrentKeyId"/>) on first use and is re-read every
/// <see cref="ConnectorOptions.KeyRingRefreshInterval"/>, so a rotated key is picked up without a restart.
/// A <see cref="TokenProtector"/> registered by the host wins (tests, tools).
/// </summary>
public sealed class TenantTokens(
    IConnectorStateStore store,
    ISecretSource secrets,
    TimeProvider timeProvider,
    IOptions<ConnectorOptions> options,
    TokenProtector? protector = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (TenantTokenStore Store, DateTimeOffset Until)? _current = protector is null
        ? null
        : (new TenantTokenStore(store, protector, timeProvider), DateTimeOffset.MaxValue);

    public async Task<TenantTokenStore> GetStoreAsync(CancellationToken cancellationToken)
    {
        if (_current is { } c && c.Until > timeProvider.GetUtcNow())
            return c.Store;

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (_current is { } again && again.Until > now)
                return again.Store;

            TokenKeyRing ring;
            try
            {
                ring = TokenKeyRing.Parse(
                    await secrets.RequireSecretAsync(SecretNames.TokenEncryptionKeys, cancellationToken).ConfigureAwait(false),
                    await secrets.RequireSecretAsync(SecretNames.TokenEncryptionCurrentKeyId, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new InvalidOperationException($"The token-encryption key ring in the secret store is unusable: {ex.Message}", ex);
            }

            var fresh = new TenantTokenStore(store, new TokenProtector(ring), timeProvider);
            _current = (fresh, now + options.Value.KeyRingRefreshInterval);
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }
}
