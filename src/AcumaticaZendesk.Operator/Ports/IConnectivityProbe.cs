using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Ports;

/// <summary>One line of a <c>check</c>: what was checked, whether it is fine, and in plain words what is wrong and what to do.</summary>
/// <param name="System">acumatica or zendesk.</param>
/// <param name="Item">Short name: <c>instance-reachable</c>, <c>endpoint-version</c>, <c>token</c>, <c>subdomain</c>, <c>scopes</c>, <c>rate-limit</c>.</param>
/// <param name="Ok">True when nothing is wrong.</param>
/// <param name="Message">Plain words, e.g. "Endpoint Default/22.200.001 is not offered; the instance offers Default/23.200.001, Default/24.200.001."</param>
public sealed record CheckItem(ConnectedSystem System, string Item, bool Ok, string Message);

/// <summary>
/// Read-only checks of one system with the tenant's credentials. The operator library implements the Acumatica
/// probe; the Zendesk probe is registered by the host (over the Zendesk client) — see docs/operator-api.md.
/// Implementations never throw for a failed check: they answer a <see cref="CheckItem"/> with <c>Ok = false</c>.
/// </summary>
public interface IConnectivityProbe
{
    ConnectedSystem System { get; }

    Task<IReadOnlyList<CheckItem>> CheckAsync(TenantConfig tenant, CancellationToken cancellationToken);
}
