using System.Net;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.EndToEndTests.Operator;

/// <summary>Replay of a failed record and rerun of a past run's window, through the real worker's operator API.</summary>
public sealed class RecordsApiTests : OperatorTestBase
{
    private static SeedSpec Spec(int customers = 5) =>
        new() { Instance = "acme", Subdomain = "acme", Customers = customers, Vendors = 2, ContactsPerAccount = 1, Employees = 1 };

    [Fact]
    public async Task A_failed_record_is_fixed_in_acumatica_and_replayed_into_zendesk()
    {
        await CreateTenantAsync("acme", Spec(), t => t with { Onboarding = OnboardingPolicy.CreateOnly });
        var customer = Connector.Control.AcumaticaRecords("acme", "Customer")[0]!;
        var key = (string)customer["CustomerID"]!["value"]!;
        var name = (string)customer["CustomerName"]!["value"]!;
        // Someone made an organization by hand with the account's name: creating the account's organization clashes.
        var handMade = (long)Connector.Control.CreateOrganization("acme", new JsonObject { ["name"] = name })["id"]!;

        var run = await RunAsync("acme");

        Assert.Equal("completed-with-failures", OperatorClient.RunStatus(run));
        Assert.True(OperatorClient.Total(run, "failed") >= 1, run.ToJsonString());
        var failed = (await Ops.GetAsync("/tenants/acme/failed", Token)).AsArray();
        var entry = Assert.Single(failed, f => (string?)f!["kind"] == "customer" && (string?)f["key"] == key);
        Assert.Contains("taken", (string?)entry!["error"]!["message"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Connector.Control.Organizations("acme"), o => (string?)o!["external_id"] == key);

        // The customer fixes the name in Acumatica; the operator replays the record.
        Connector.Control.RenameAccount("acme", key, name + " Holdings");
        var replay = await Ops.PostAsync($"/tenants/acme/records/customer/{key}/replay", null, HttpStatusCode.OK, Token);

        Assert.Equal(1, (int)replay["succeeded"]!);
        Assert.Equal(0, (int)replay["failed"]!);
        var organization = Assert.Single(Connector.Control.Organizations("acme"), o => (string?)o!["external_id"] == key)!;
        Assert.Equal(name + " Holdings", (string?)organization["name"]);
        var untouched = Assert.Single(Connector.Control.Organizations("acme"), o => (long)o!["id"]! == handMade)!;
        Assert.Equal(name, (string?)untouched["name"]);
        Assert.Null((string?)untouched["external_id"]);
        Assert.DoesNotContain((await Ops.GetAsync("/tenants/acme/failed", Token)).AsArray(), f => (string?)f!["key"] == key);

        // The audit trail (newest first) shows the failure, then the replay that wrote the organization.
        var trail = await Ops.GetAsync($"/tenants/acme/records/customer/{key}", Token);
        var actions = trail["entries"]!.AsArray().Select(e => (string)e!["action"]!).ToList();
        var replayed = actions.IndexOf("replayed");
        var failedAt = actions.IndexOf("failed");
        Assert.True(replayed >= 0 && failedAt > replayed, string.Join(", ", actions));
        Assert.Equal((long)organization["id"]!, (long?)trail["zendeskId"]);
    }

    [Fact]
    public async Task A_rerun_reapplies_a_past_window_without_duplicates()
    {
        await CreateTenantAsync("acme", Spec(customers: 8));
        var first = await RunAsync("acme", "initial load");
        var firstId = (string)first["runId"]!;
        Assert.True(OperatorClient.Total(first, "created") > 0);
        var before = ZendeskContent();

        var scheduled = await Ops.PostAsync($"/tenants/acme/runs/{firstId}/rerun", new { reason = "check the window again" }, HttpStatusCode.Accepted, Token);
        var rerunId = (string)scheduled["runId"]!;
        Assert.NotEqual(firstId, rerunId);
        var rerun = await Ops.WaitForRunAsync("acme", rerunId, RunTimeout, Token);

        Assert.Equal("completed", OperatorClient.RunStatus(rerun));
        // The window was read again (a plain run now would read nothing) and nothing was created twice.
        Assert.True(OperatorClient.Total(rerun, "read") >= OperatorClient.Total(first, "read"), rerun.ToJsonString());
        Assert.Equal(0, OperatorClient.Total(rerun, "created"));
        Assert.Equal(0, OperatorClient.Total(rerun, "failed"));
        Assert.True(
            OperatorClient.Total(rerun, "updated") + OperatorClient.Total(rerun, "unchanged") >= OperatorClient.Total(first, "created"),
            rerun.ToJsonString());
        Assert.Equal(before, ZendeskContent());
        var runs = (await Ops.GetAsync("/tenants/acme/runs", Token)).AsArray().Select(r => (string)r!["runId"]!).ToList();
        Assert.Equal([rerunId, firstId], runs);
    }

    [Fact]
    public async Task Replay_without_records_is_a_validation_error_naming_the_field()
    {
        await CreateTenantAsync("acme", Spec());

        var (status, body) = await Ops.SendAsync(HttpMethod.Post, "/tenants/acme/failed/replay", new { records = Array.Empty<object>() }, Token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(body?["errors"]?["records"]);
    }

    /// <summary>Every organization and user as the API renders them, without timestamps, in id order.</summary>
    private List<string> ZendeskContent() =>
        [.. Connector.Control.Organizations("acme").Concat(Connector.Control.Users("acme"))
            .Select(item =>
            {
                var copy = item!.AsObject().DeepClone().AsObject();
                copy.Remove("updated_at");
                copy.Remove("created_at");
                copy.Remove("last_login_at");
                return copy.ToJsonString();
            })
            .Order(StringComparer.Ordinal)];
}
