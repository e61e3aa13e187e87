using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>
/// The tenant token store: the host's registered <see cref="TenantTokenStore"/> when there is one, else one built on
/// first use from the key ring in the secret store (<see cref="TokenKeyRing.LoadAsync"/>).
/// </summary>
internal sealed class OperatorTokens(IServiceProvider services, IConnectorStateStore store, ISecretSource secrets, TimeProvider timeProvider)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TenantTokenStore? _tokens = services.GetService<TenantTokenStore>();

    public async Task<TenantTokenStore> GetAsync(CancellationToken cancellationToken)
    {
        if (_tokens is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tokens is null)
            {
                var ring = await TokenKeyRing.LoadAsync(secrets, cancellationToken).ConfigureAwait(false);
                _tokens = new TenantTokenStore(store, new TokenProtector(ring), timeProvider);
            }

            return _tokens;
        }
        finally
        {
            _gate.Release();
        }
    }
}
