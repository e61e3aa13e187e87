using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Endpoints;

/// <summary>
/// Where a tenant's credentials go: the Acumatica instance URL, the Zendesk subdomain and base URL. Only an admin
/// credential sets them (on create) or changes them; a change drops the system's stored tokens, so a token granted
/// for one server is never presented to another (the tenant is connected again).
/// </summary>
internal static class TenantDestinations
{
    public const string AdminOnly =
        "Only an admin credential may set where the tenant's credentials are sent (acumatica.instanceUrl, zendesk.subdomain, zendesk.baseUrl).";

    /// <summary>The systems whose destination differs between <paramref name="existing"/> (null: a new tenant) and <paramref name="config"/>.</summary>
    public static IReadOnlyList<ConnectedSystem> Changed(TenantConfig? existing, TenantConfig config)
    {
        if (existing is null)
            return [ConnectedSystem.Acumatica, ConnectedSystem.Zendesk];

        var changed = new List<ConnectedSystem>();
        if (!string.Equals(Normalize(existing.Acumatica.InstanceUrl), Normalize(config.Acumatica.InstanceUrl), StringComparison.OrdinalIgnoreCase))
            changed.Add(ConnectedSystem.Acumatica);
        if (!string.Equals(existing.Zendesk.Subdomain, config.Zendesk.Subdomain, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(Normalize(existing.Zendesk.BaseUrl), Normalize(config.Zendesk.BaseUrl), StringComparison.OrdinalIgnoreCase))
            changed.Add(ConnectedSystem.Zendesk);
        return changed;
    }

    /// <summary>Deletes the stored tokens of <paramref name="systems"/> (they were granted for the old destination).</summary>
    public static async Task DropTokensAsync(TenantTokenStore store, string tenantId, IEnumerable<ConnectedSystem> systems, CancellationToken cancellationToken)
    {
        foreach (var system in systems)
            await store.DeleteAsync(tenantId, system, cancellationToken).ConfigureAwait(false);
    }

    private static string Normalize(string? url) => (url ?? string.Empty).Trim().TrimEnd('/');
}
