using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>
/// A tenant's settings or secrets do not let an adapter reach a system (missing secret, endpoint version the
/// instance does not offer, malformed URL). Not worth retrying until an operator changes something: the engine stops
/// the tenant's run with <see cref="RunStopCause.Configuration"/> and this message, which names the tenant, the setting
/// or secret and what to do, and never contains secret values.
/// </summary>
public sealed class ConnectorConfigurationException(string tenantId, ConnectedSystem system, string setting, string message, Exception? inner = null)
    : Exception($"Tenant '{tenantId}', {system}: {setting}: {message}", inner)
{
    public string TenantId { get; } = tenantId;

    public ConnectedSystem System { get; } = system;

    /// <summary>The tenant field (e.g. <c>acumatica.endpointVersion</c>) or secret name at fault.</summary>
    public string Setting { get; } = setting;
}
