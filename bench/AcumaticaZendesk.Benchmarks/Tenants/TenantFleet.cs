using System.Globalization;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.Benchmarks.Tenants;

/// <summary>Many small tenants on one sandbox: one Acumatica instance and one Zendesk account each, saved and connected as an operator does.</summary>
internal static class TenantFleet
{
    /// <summary>Tenant saves (state store + Zendesk consent through the operator API) in flight at once.</summary>
    private const int SetupConcurrency = 4;

    public static string Id(int index) => string.Create(CultureInfo.InvariantCulture, $"t{index:D5}");

    /// <summary>Two customers, one vendor, one contact each, no employees: a small tenant whose runs are mostly about nothing.</summary>
    public static SeedSpec Spec(string tenantId) => new()
    {
        Instance = tenantId,
        Subdomain = tenantId,
        Customers = 2,
        Vendors = 1,
        CustomerVendors = 0,
        ContactsPerAccount = 1,
        Employees = 0,
        TieGroupSize = 1,
    };

    public static async Task SetUpAsync(SandboxedConnector connector, IReadOnlyList<string> tenantIds, CancellationToken cancellationToken)
    {
        // The sandbox's seeding is not made for concurrent callers: seed one after the other (in memory, quick).
        var tenants = tenantIds.Select(id => connector.SeedTenant(id, Spec(id))).ToList();
        await Parallel.ForEachAsync(
            tenants,
            new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = cancellationToken },
            async (tenant, ct) => await connector.SaveTenantAsync(tenant, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Renames the first customer of each tenant; returns the new names by tenant.</summary>
    public static IReadOnlyDictionary<string, string> RenameOneAccountEach(SandboxedConnector connector, IEnumerable<string> tenantIds)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in tenantIds)
        {
            var customer = connector.Control.AcumaticaRecords(id, "Customer")[0]!["CustomerID"]!["value"]!.GetValue<string>();
            var name = $"Renamed {customer} of {id}";
            connector.Control.RenameAccount(id, customer, name);
            names[id] = name;
        }

        return names;
    }

    /// <summary>Tenants whose Zendesk account has an organization of the new name.</summary>
    public static int ChangesInZendesk(SandboxedConnector connector, IReadOnlyDictionary<string, string> names) =>
        names.Count(n => connector.Control.Organizations(n.Key).Any(o => o?["name"]?.GetValue<string>() == n.Value));
}
