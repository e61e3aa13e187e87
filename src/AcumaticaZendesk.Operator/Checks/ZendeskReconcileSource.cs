using System.Runtime.CompilerServices;
using System.Text.Json;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary><see cref="IReconcileSource"/> over the Zendesk list endpoints (<c>organizations</c>, <c>users</c>), read-only.</summary>
internal sealed class ZendeskReconcileSource(ZendeskReader reader) : IReconcileSource
{
    public async IAsyncEnumerable<ZendeskOrganization> ListOrganizationsAsync(TenantConfig tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var o in reader.ListAsync(tenant, "organizations", cancellationToken).ConfigureAwait(false))
        {
            var domains = o.TryGetProperty("domain_names", out var d) && d.ValueKind == JsonValueKind.Array
                ? d.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToArray()
                : [];
            yield return new ZendeskOrganization(o.GetProperty("id").GetInt64(), Str(o, "name") ?? string.Empty, Str(o, "external_id"), domains);
        }
    }

    public async IAsyncEnumerable<ZendeskUser> ListUsersAsync(TenantConfig tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var u in reader.ListAsync(tenant, "users", cancellationToken).ConfigureAwait(false))
        {
            var org = u.TryGetProperty("organization_id", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetInt64() : (long?)null;
            yield return new ZendeskUser(u.GetProperty("id").GetInt64(), Str(u, "name") ?? string.Empty, Str(u, "external_id"), Str(u, "email"), org);
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
