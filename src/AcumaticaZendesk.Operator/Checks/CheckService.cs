using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>The answer of <c>check</c>: every item, and in one sentence whether anything is wrong.</summary>
public sealed record CheckReport(string TenantId, bool Ok, string Summary, IReadOnlyList<CheckItem> Items);

/// <summary>Runs every registered <see cref="IConnectivityProbe"/> (read-only) and adds the tenant's own state.</summary>
internal sealed class CheckService(IEnumerable<IConnectivityProbe> probes)
{
    public async Task<CheckReport> CheckAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var items = new List<CheckItem>();
        if (tenant.Authorization is { NeedsAuthorization: true } auth)
        {
            items.Add(new CheckItem(auth.System, "authorization", false,
                $"The tenant waits for a new {auth.System.ToString().ToLowerInvariant()} authorization since {auth.Since:u}: {auth.Reason} Connect it again."));
        }

        foreach (var system in Enum.GetValues<ConnectedSystem>())
        {
            var probe = probes.LastOrDefault(p => p.System == system);
            if (probe is null)
            {
                items.Add(new CheckItem(system, "probe", false, $"{system} is not checked: no probe is registered for it in this host."));
                continue;
            }

            items.AddRange(await probe.CheckAsync(tenant, cancellationToken).ConfigureAwait(false));
        }

        var problems = items.Where(i => !i.Ok).ToArray();
        var summary = problems.Length == 0
            ? "Everything checked is fine."
            : $"{problems.Length} problem{(problems.Length == 1 ? string.Empty : "s")}: " + string.Join(" ", problems.Select(p => p.Message));
        return new CheckReport(tenant.Id, problems.Length == 0, summary, items);
    }
}
