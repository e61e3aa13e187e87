using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.TenantSync;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>Two tenants (two Acumatica instances, two Zendesk accounts) in one worker stay apart.</summary>
public sealed class TenantIsolationTests : MainFlowTestBase
{
    [Fact]
    public async Task Each_zendesk_account_holds_only_its_tenants_records_and_a_failing_tenant_does_not_stop_the_other()
    {
        await AddNorthAndSouthAsync();

        // Both run at the same time in the same worker.
        var runs = await Task.WhenAll(RunAsync("north"), RunAsync("south"));
        Assert.All(runs, r => Assert.Equal(SyncRunOutcome.Succeeded, r.Outcome));
        foreach (var tenant in new[] { "north", "south" })
        {
            AssertHoldsExactlyItsOwnRecords(tenant);
        }

        // South's integration user loses its password and every token: south needs a new authorization; north goes on.
        Control.AddAcumaticaUser("south", Sandbox.Control.DemoCredentials.AcumaticaUser, "changed-by-someone-else");
        Control.RevokeAcumaticaTokens("south", accessTokensToo: true);
        Control.RenameAccount("north", "C000003", "North Renamed Co");
        Control.RenameAccount("south", "C000003", "South Renamed Co");
        var southBefore = (string?)OrganizationsByExternalId("south")["C000003"]["name"];

        var second = await Task.WhenAll(RunAsync("north"), RunAsync("south"));
        Assert.Equal(SyncRunOutcome.Succeeded, second[0].Outcome);
        Assert.Equal("North Renamed Co", (string?)OrganizationsByExternalId("north")["C000003"]["name"]);
        Assert.Equal(southBefore, (string?)OrganizationsByExternalId("south")["C000003"]["name"]);
        Assert.DoesNotContain(Control.Organizations("south"), o => (string?)o!["name"] == "South Renamed Co");

        var tenants = Service<TenantRepository>();
        var south = await tenants.GetRequiredAsync("south", Token);
        Assert.True(south.Authorization?.NeedsAuthorization);
        Assert.Equal(ConnectedSystem.Acumatica, south.Authorization!.System);
        Assert.Null((await tenants.GetRequiredAsync("north", Token)).Authorization);
        Assert.Equal(["north"], await tenants.ListRunnableTenantIdsAsync(Token));

        var runStore = Service<RunStore>();
        Assert.Equal(RunStatus.Failed, (await runStore.GetAsync("south", second[1].RunId, Token))!.Status);
        Assert.Equal(RunStatus.Completed, (await runStore.GetAsync("north", second[0].RunId, Token))!.Status);

        // A paused north is skipped; its Zendesk account is left alone while it is paused.
        await tenants.SetPausedAsync("north", true, Token);
        Control.RenameAccount("north", "C000004", "Renamed While Paused");
        await RunAsync("north");
        Assert.DoesNotContain(Control.Organizations("north"), o => (string?)o!["name"] == "Renamed While Paused");
        foreach (var tenant in new[] { "north", "south" })
        {
            Assert.All(
                Control.Organizations(tenant).Select(o => (string?)o!["name"]),
                n => Assert.DoesNotContain(tenant == "north" ? "South" : "North", n ?? "", StringComparison.Ordinal));
        }
    }

    private void AssertHoldsExactlyItsOwnRecords(string tenant)
    {
        var accounts = AccountNames(tenant);
        var organizations = OrganizationsByExternalId(tenant).Where(o => !o.Key.StartsWith("acu-company:", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            accounts.Select(a => (a.Key, a.Value)).Order(),
            organizations.Select(o => (o.Key, (string)o.Value["name"]!)).Order());

        var emails = Contacts(tenant).Values.Select(c => c.Email)
            .Concat(Control.AcumaticaRecords(tenant, "Employee").Select(e => (string)e!["ContactInfo"]!["Email"]!["value"]!))
            .Select(e => e.ToLowerInvariant()).Order();
        Assert.Equal(emails, UsersByExternalId(tenant).Values.Select(u => ((string)u["email"]!).ToLowerInvariant()).Order());
    }
}
