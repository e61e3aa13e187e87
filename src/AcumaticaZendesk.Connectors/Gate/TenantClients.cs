using System.Collections.Concurrent;
using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.Gate;

/// <summary>
/// The one gate to a tenant's systems. It builds and caches every tenant's Acumatica and Zendesk clients from the
/// tenant's settings, the secret store and the encrypted token store (<see cref="TenantTokens"/>, which follows the
/// key ring), for the sync, the ticket flow and the operator API alike. Every client it builds sends through the
/// <see cref="Egress.EgressPolicy"/> on the clients' HTTP handlers, so no caller can reach a host the policy refuses,
/// and a shared OAuth client secret only goes where the policy lets it. A client is rebuilt when the tenant's
/// settings or credentials change; <see cref="Forget"/> drops it at once.
/// </summary>
public sealed partial class TenantClients(
    IAcumaticaClientFactory acumaticaFactory,
    IZendeskClientFactory zendeskFactory,
    ISecretSource secrets,
    TenantTokens tokens,
    ZendeskClientCredentialsGrant clientCredentials,
    TimeProvider timeProvider,
    IOptions<ConnectorOptions> options,
    IOptions<ZendeskClientOptions> zendeskOptions,
    ILogger<TenantClients> logger)
{
    private readonly ConcurrentDictionary<string, CachedAcumatica> _acumatica = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedZendesk> _zendesk = new(StringComparer.Ordinal);

    /// <summary>Drops the cached clients of a tenant (after its settings or credentials changed, or a refusal).</summary>
    public void Forget(string tenantId)
    {
        _acumatica.TryRemove(tenantId, out _);
        _zendesk.TryRemove(tenantId, out _);
    }
}
