using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>
/// Thrown by an adapter when a system rejected the tenant's token and it could not be refreshed. The
/// engine marks the tenant "needs authorization" (with <see cref="Reason"/>), stops its page without
/// moving the watermark and lets other tenants go on. The reason must not contain tokens.
/// </summary>
public sealed class AuthorizationRequiredException(ConnectedSystem system, string reason, Exception? inner = null)
    : Exception($"{system} needs a new authorization: {reason}", inner)
{
    public ConnectedSystem System { get; } = system;

    public string Reason { get; } = reason;
}
