using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>
/// A system rejected the tenant's token and it could not be refreshed: the engine marks the tenant and stops its run,
/// other tenants go on. <see cref="Reason"/> must not contain tokens.
/// </summary>
public sealed class AuthorizationRequiredException(ConnectedSystem system, string reason, Exception? inner = null)
    : Exception($"{system} needs a new authorization: {reason}", inner)
{
    public ConnectedSystem System { get; } = system;

    public string Reason { get; } = reason;
}
