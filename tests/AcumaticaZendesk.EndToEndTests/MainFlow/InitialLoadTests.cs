using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.Testing;
using Dapr.Workflow;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>
/// The main flow through everything real: sync worker + workflow + engine + connectors + clients, against the
/// sandbox's Acumatica instance and Zendesk account, over the stand-in sidecar.
/// </summary>
public sealed class InitialLoadTests : IAsyncLifetime
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);
    private SandboxedConnector connector = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => connector = await SandboxedConnector.StartAsync(cancellationToken: Token);

    public async ValueTask DisposeAsync() => await connector.DisposeAsync();

    [Fact]
    public async Task Initial_load_creates_every_organization_and_user_once_and_an_unchanged_run_writes_nothing()
    {
        var spec = new SeedSpec
        {
            Instance = "acme",
            Subdomain = "acme",
            Customers = 30,
            Vendors = 8,
            CustomerVendors = 4,
            ContactsPerAccount = 2,
            Employees = 3,
            TieGroupSize = 10
        };
        var tenant = connector.SeedTenant("acme", spec);
        await connector.SaveTenantAsync(tenant, Token);

        var first = await connector.RunSyncAsync("acme", RunTimeout, Token);
        Assert.Equal(WorkflowRuntimeStatus.Completed, first.RuntimeStatus);
        var summary = first.ReadOutputAs<SyncRunSummary>()!;
        Assert.Equal(SyncRunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(0, summary.Counts.Failed);

        // Every business account is one organization (customer+vendor accounts are one), keyed by its account code.
        var organizations = connector.Control.Organizations("acme");
        var accountCodes = AccountCodes(connector.Control, "acme");
        var externalIds = organizations.Select(o => (string?)o!["external_id"])
            .Where(e => e is not null && !e.StartsWith("acu-company:", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(accountCodes.Order(StringComparer.OrdinalIgnoreCase), externalIds.Order(StringComparer.OrdinalIgnoreCase));
        Assert.Equal(externalIds.Count, externalIds.Distinct(StringComparer.OrdinalIgnoreCase).Count());

        // Every contact and employee is one user, linked to its account's organization.
        var users = connector.Control.Users("acme").Where(u => ((string?)u!["external_id"])?.StartsWith("acu-", StringComparison.Ordinal) == true).ToList();
        var contacts = connector.Control.AcumaticaRecords("acme", "Contact");
        var employees = connector.Control.AcumaticaCount("acme", "Employee");
        Assert.Equal(contacts.Count + employees, users.Count);
        var orgIdByCode = organizations.Where(o => o!["external_id"] is not null)
            .ToDictionary(o => (string)o!["external_id"]!, o => (long)o!["id"]!, StringComparer.OrdinalIgnoreCase);
        foreach (var contact in contacts)
        {
            var id = (int)contact!["ContactID"]!["value"]!;
            var account = (string?)contact["BusinessAccount"]?["value"];
            var user = Assert.Single(users, u => (string?)u!["external_id"] == $"acu-contact:{id}");
            if (account is not null)
            {
                Assert.Equal(orgIdByCode[account], (long?)user!["organization_id"]);
            }
        }

        // A second run with nothing changed in Acumatica makes no Zendesk write at all.
        connector.Control.Requests.Clear();
        var second = await connector.RunSyncAsync("acme", RunTimeout, Token);
        Assert.Equal(WorkflowRuntimeStatus.Completed, second.RuntimeStatus);
        var writes = connector.Control.Requests.Recent(10_000)
            .Where(r => r.System == "zendesk" && r.Method is "POST" or "PUT" or "DELETE" && !r.Path.Contains("/oauth/", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(writes);
        Assert.Equal(organizations.Count, connector.Control.Organizations("acme").Count);
    }

    private static HashSet<string> AccountCodes(SandboxControl control, string instance) =>
        [.. control.AcumaticaRecords(instance, "Customer").Select(c => (string)c!["CustomerID"]!["value"]!)
            .Concat(control.AcumaticaRecords(instance, "Vendor").Select(v => (string)v!["VendorID"]!["value"]!))];
}
