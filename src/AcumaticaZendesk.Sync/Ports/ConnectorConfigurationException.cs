using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>
/// A tenant's settings or secrets do not let an adapter reach a system; no retry helps, so the engine stops the run
/// (<see cref="RunStopCause.Configuration"/>). The message says what to do and never contains secret values.
/// </summary>
public sealed class ConnectorConfigurationException(string tenantId, ConnectedSystem system, string setting, string message, Exception? inner = null)
    : Exception($"Tenant '{tenantId}', {system}: {setting}: {message}", inner)
{
    public string TenantId { get; } = tenantId;

    public ConnectedSystem System { get; } = system;

    /// <summary>The tenant field (e.g. <c>acumatica.endpointVersion</c>) or secret name at fault.</summary>
    public string Setting { get; } = setting;
}
