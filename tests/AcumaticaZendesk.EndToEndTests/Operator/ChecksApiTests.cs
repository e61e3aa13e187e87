using System.Net;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.EndToEndTests.Operator;

/// <summary><c>check</c>, <c>plan</c> and <c>reconcile</c> through the real worker against the sandbox.</summary>
public sealed class ChecksApiTests : OperatorTestBase
{
    private static SeedSpec Spec() =>
        new() { Instance = "acme", Subdomain = "acme", Customers = 5, Vendors = 2, CustomerVendors = 0, ContactsPerAccount = 1, Employees = 1 };

    [Fact]
    public async Task Check_reports_an_endpoint_version_the_instance_does_not_offer()
    {
        Connector.Control.Seed(Spec());
        var offered = Connector.Control.EndpointVersions("acme");
        Assert.DoesNotContain("22.200.001", offered);
        await CreateTenantAsync("acme", Spec(), t => t with { Acumatica = t.Acumatica with { EndpointVersion = "22.200.001" } });

        var report = await Ops.PostAsync("/tenants/acme/check", null, HttpStatusCode.OK, Token);

        var message = Problem(report, "acumatica", "endpoint-version");
        Assert.Contains("22.200.001 is not offered", message, StringComparison.Ordinal);
        Assert.Contains("Set acumatica.endpointVersion", message, StringComparison.Ordinal);
        Assert.Contains(offered[0], message, StringComparison.Ordinal);
        Assert.Contains("22.200.001", (string)report["summary"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_passes_after_a_run_and_reports_a_revoked_zendesk_token_in_words()
    {
        await CreateTenantAsync("acme", Spec());
        await RunAsync("acme");

        var healthy = await Ops.PostAsync("/tenants/acme/check", null, HttpStatusCode.OK, Token);
        Assert.True((bool)healthy["ok"]!, healthy.ToJsonString());

        Connector.Control.RevokeZendeskTokens("acme", accessTokensToo: true);
        var report = await Ops.PostAsync("/tenants/acme/check", null, HttpStatusCode.OK, Token);

        Assert.Contains("connect the tenant again", Problem(report, "zendesk", "token"), StringComparison.Ordinal);
        Assert.True((bool)Item(report, "acumatica", "token")["ok"]!);
    }

    [Fact]
    public async Task Check_reports_an_expired_and_revoked_acumatica_token_in_words()
    {
        // A tenant connected by an operator's consent (authorization code), not by a stored user.
        await CreateTenantAsync("acme", Spec());
        Connector.SetSecret(SecretNames.AcumaticaUserName("acme"), string.Empty);
        await ConsentAsync("acumatica");
        Assert.True((bool)Item(await Ops.PostAsync("/tenants/acme/check", null, HttpStatusCode.OK, Token), "acumatica", "token")["ok"]!);

        // An expired access token is refreshed: still fine.
        Connector.Control.ExpireAcumaticaAccessTokens("acme");
        var afterExpiry = Item(await Ops.PostAsync("/tenants/acme/check", null, HttpStatusCode.OK, Token), "acumatica", "token");
        Assert.True((bool)afterExpiry["ok"]!, afterExpiry.ToJsonString());

        // Revoked (refresh token too): the operator is told to connect again.
        Connector.Control.RevokeAcumaticaTokens("acme", accessTokensToo: true);
        var report = await Ops.PostAsync("/tenants/acme/check", null, HttpStatusCode.OK, Token);

        var message = Problem(report, "acumatica", "token");
        Assert.Contains("expired or revoked", message, StringComparison.Ordinal);
        Assert.Contains("/operator/v1/tenants/acme/connect/acumatica", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_on_a_fresh_tenant_lists_the_creates_and_writes_nothing()
    {
        await CreateTenantAsync("acme", Spec());
        var state = Connector.Apps.Sidecar.StateStore(DaprNames.Components.StateStore);
        var before = Snapshot(state);
        Connector.Control.Requests.Clear();

        var plan = await Ops.PostAsync("/tenants/acme/plan", null, HttpStatusCode.OK, Token);

        Assert.Empty(ZendeskWrites());
        Assert.Equal(before, Snapshot(state));
        Assert.DoesNotContain(Connector.Control.Organizations("acme"), o => o!["external_id"] is not null);
        var kinds = plan["kinds"]!.AsArray();
        Assert.Equal(Connector.Control.AcumaticaCount("acme", "Customer"), Creates(kinds, "customer"));
        Assert.Equal(Connector.Control.AcumaticaCount("acme", "Vendor"), Creates(kinds, "vendor"));
        Assert.Equal(Connector.Control.AcumaticaCount("acme", "Contact"), Creates(kinds, "contact"));
        Assert.Equal(Connector.Control.AcumaticaCount("acme", "Employee"), Creates(kinds, "employee"));
        Assert.All(kinds, k => Assert.True((bool)k!["complete"]!));
        Assert.Contains(plan["items"]!.AsArray(), i => (string?)i!["action"] == "create");

        // The run then creates exactly what the plan listed.
        var run = await RunAsync("acme");
        Assert.Equal(kinds.Sum(k => Creates([k!.DeepClone()], (string)k["kind"]!)), OperatorClient.Total(run, "created"));
    }

    [Fact]
    public async Task Reconcile_finds_a_hand_made_duplicate_and_orphans()
    {
        await CreateTenantAsync("acme", Spec());
        await RunAsync("acme");
        // By hand: a new account in Acumatica whose name someone already used for an organization in Zendesk, an
        // organization and a user whose external ids match nothing in Acumatica.
        Connector.Control.AddCustomer("acme", "NEWCO01", "Brand New Ltd");
        var duplicate = (long)Connector.Control.CreateOrganization("acme", new JsonObject { ["name"] = "Brand New Ltd" })["id"]!;
        Connector.Control.CreateOrganization("acme", new JsonObject { ["name"] = "Gone Corp", ["external_id"] = "GONE01" });
        Connector.Control.CreateUser(
            "acme",
            new JsonObject { ["name"] = "Ghost Person", ["email"] = "ghost@example.com", ["external_id"] = "acu-contact:999999" });
        Connector.Control.Requests.Clear();

        var report = await Ops.PostAsync("/tenants/acme/reconcile", null, HttpStatusCode.OK, Token);

        Assert.Empty(ZendeskWrites());
        var name = Assert.Single(report["duplicateNames"]!.AsArray(), d => (string?)d!["name"] == "Brand New Ltd")!;
        Assert.Equal(["NEWCO01"], name["acumaticaKeys"]!.AsArray().Select(k => (string)k!));
        Assert.Equal([duplicate], name["zendeskOrganizationIds"]!.AsArray().Select(k => (long)k!));
        Assert.Contains("DuplicateValue", (string)name["explanation"]!, StringComparison.Ordinal);
        Assert.Single(report["duplicateNames"]!.AsArray());
        Assert.Equal(["GONE01"], report["orphanOrganizations"]!.AsArray().Select(o => (string)o!["externalId"]!));
        Assert.Equal(["acu-contact:999999"], report["orphanUsers"]!.AsArray().Select(o => (string)o!["externalId"]!));
        Assert.Equal(["NEWCO01"], report["missingInZendesk"]!.AsArray().Select(m => (string)m!["key"]!));
    }

    internal static JsonNode Item(JsonNode report, string system, string item) =>
        Assert.Single(report["items"]!.AsArray(), i => (string?)i!["system"] == system && (string?)i["item"] == item)!;

    /// <summary>Asserts the report and the item are not ok; answers the item's sentence.</summary>
    private static string Problem(JsonNode report, string system, string item)
    {
        Assert.False((bool)report["ok"]!);
        var found = Item(report, system, item);
        Assert.False((bool)found["ok"]!, found.ToJsonString());
        return (string)found["message"]!;
    }

    private static int Creates(JsonArray kinds, string kind) =>
        (int?)kinds.Single(k => (string?)k!["kind"] == kind)!["actions"]?["create"] ?? 0;

    /// <summary>The state store's keys and versions, without the token cache (signing in to read is not a sync write).</summary>
    private static Dictionary<string, string> Snapshot(StandIn.FakeStateStore state) =>
        state.Snapshot().Where(e => !e.Key.StartsWith("tokens:", StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value.ETag);

    /// <summary>The operator's consent, with the sandbox's identity server agreeing at once.</summary>
    private async Task ConsentAsync(string system)
    {
        var started = await Ops.PostAsync($"/tenants/acme/connect/{system}", null, HttpStatusCode.OK, Token);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(new Uri((string)started["authorizeUrl"]!), Token);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        // The operator who started the consent completes it with their own key (the consent is bound to its initiator).
        using var complete = new HttpRequestMessage(HttpMethod.Get, consent.Headers.Location!.PathAndQuery);
        complete.Headers.Add("X-Api-Key", Testing.SandboxedConnector.OperatorKey);
        using var callback = await Connector.Apps.SyncWorker.SendAsync(complete, Token);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
    }
}
