using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

/// <summary>
/// The real <c>SyncEngine</c> (from <c>AddSyncCore</c>) through both real adapters and both real clients, against
/// the sandbox's Acumatica instance and Zendesk account (docs/sandbox.md): the way the worker's activities drive it.
/// </summary>
public sealed class EngineEndToEndTests : IAsyncLifetime
{
    private const string Acme = "acme";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private SandboxHost _sandbox = null!;
    private ConnectorHost? _host;
    private long _ada;

    private SandboxControl Control => _sandbox.Control;

    private ConnectorHost Host => _host ?? throw new InvalidOperationException("Seed the tenant first.");

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0" }, _ct);
        Control.CreateAcumaticaInstance(Acme);
        Control.CreateZendeskAccount(Acme);
        Control.AddDemoCredentials(Acme, Acme);
        var zendesk = Control.GetZendeskSettings(Acme);
        zendesk.JobQueuedFor = TimeSpan.FromMilliseconds(20);
        zendesk.JobWorkingFor = TimeSpan.FromMilliseconds(20);
        Control.AddCustomer(Acme, "C000000101", "Contoso Pharmacy", "ap@contoso.example");
        Control.AddCustomer(Acme, "C000000102", "Fabrikam Labs", "info@fabrikam.example");
        Control.AddCustomer(Acme, "C000000103", "Northwind Traders", "ops@northwind.example");
        Control.AddContact(Acme, "C000000101", "Maria", "Lopez", "maria@contoso.example");
        Control.AddContact(Acme, "C000000101", "Ken", "Ito", "ken@contoso.example");
        _ada = Control.AddContact(Acme, "C000000102", "Ada", "Park", "ada@fabrikam.example");
        Control.AddContact(Acme, "C000000103", "Raj", "Nair", "raj@northwind.example");
    }

    /// <summary>Saves the tenant; Zendesk by client credentials unless <paramref name="authorizeZendesk"/> is false (then it awaits an operator's
    /// consent).</summary>
    private async Task<TenantConfig> SeedTenantAsync(OnboardingPolicy onboarding = OnboardingPolicy.Adopt, bool authorizeZendesk = true)
    {
        _host = SandboxDemo.Host(tenantId: Acme, zendeskClientCredentials: authorizeZendesk);
        var tenant = ConnectorHost.Tenant(_sandbox.AcumaticaUrl(Acme).ToString(), _sandbox.ZendeskUrl(Acme).ToString()) with { Onboarding = onboarding };
        tenant = tenant with { Acumatica = tenant.Acumatica with { Company = DemoCredentials.AcumaticaTenant } };
        await Host.Get<TenantRepository>().SaveAsync(tenant, _ct);
        return tenant;
    }

    private Task<Dictionary<EntityKind, SyncPagesResult>> RunAsync(string runId) =>
        EngineRuns.RunAsync(Host.Get<ISyncEngine>(), Acme, runId, [EntityKind.Customer, EntityKind.Contact], _ct);

    /// <summary>The Zendesk writes the sandbox received, oldest first, as "METHOD route".</summary>
    private string[] ZendeskWrites() =>
        [.. Control.Requests.Recent(10_000).Reverse()
            .Where(r => r.System == "zendesk" && r.Method is "POST" or "PUT" or "DELETE" && !r.Path.Contains("/oauth/", StringComparison.Ordinal))
            .Select(r => $"{r.Method} {r.Endpoint}")];

    private JsonObject[] Organizations() => [.. Control.Organizations(Acme).Select(o => o!.AsObject())];

    private JsonObject[] Users() =>
        [
            .. Control.Users(Acme).Select(u => u!.AsObject())
                .Where(u => u["external_id"]?.ToString().StartsWith("acu-contact:", StringComparison.Ordinal) == true)];

    private long OrgId(string externalId) => Organizations().Single(o => o["external_id"]?.ToString() == externalId)["id"]!.GetValue<long>();

    [Fact]
    public async Task An_initial_load_creates_organizations_in_a_job_then_linked_users_and_a_second_run_writes_nothing()
    {
        await SeedTenantAsync();

        var first = await RunAsync("run-1");

        Assert.Equal((3, 3, 0), (first[EntityKind.Customer].Counts.Read, first[EntityKind.Customer].Counts.Created, first[EntityKind.Customer].Counts.Failed));
        Assert.Equal((4, 4, 0), (first[EntityKind.Contact].Counts.Read, first[EntityKind.Contact].Counts.Created, first[EntityKind.Contact].Counts.Failed));
        Assert.Equal(
            ["POST /zendesk/{subdomain}/api/v2/organizations/create_many", "POST /zendesk/{subdomain}/api/v2/users/create_or_update_many"],
            ZendeskWrites());
        Assert.Equal(["C000000101", "C000000102", "C000000103"], Organizations().Select(o => o["external_id"]!.ToString()).Order(StringComparer.Ordinal));
        var contoso = Organizations().Single(o => o["external_id"]!.ToString() == "C000000101");
        Assert.Equal("Contoso Pharmacy", contoso["name"]!.ToString());
        Assert.Contains("acu_customer", contoso["tags"]!.AsArray().Select(t => t!.ToString()));
        var users = Users().ToDictionary(u => u["email"]!.ToString(), u => u["organization_id"]!.GetValue<long>());
        Assert.Equal(4, users.Count);
        Assert.Equal(OrgId("C000000101"), users["maria@contoso.example"]);
        Assert.Equal(OrgId("C000000101"), users["ken@contoso.example"]);
        Assert.Equal(OrgId("C000000102"), users["ada@fabrikam.example"]);
        Assert.Equal(OrgId("C000000103"), users["raj@northwind.example"]);
        Assert.Equal(1, Control.Requests.Count("POST", "/acumatica/{instance}/identity/connect/token")); // one sign-in, the token reused for every page

        var writesAfterFirst = ZendeskWrites().Length;
        var second = await RunAsync("run-2");

        Assert.Equal(writesAfterFirst, ZendeskWrites().Length);
        var tokens = await Host.Get<TenantTokens>().GetStoreAsync(_ct);
        var acumaticaTokens = await tokens.GetAsync(Acme, ConnectedSystem.Acumatica, _ct);
        var zendeskTokens = await tokens.GetAsync(Acme, ConnectedSystem.Zendesk, _ct);
        Assert.NotNull(acumaticaTokens);
        string[] issued = [
            .. new[] { acumaticaTokens.AccessToken, acumaticaTokens.RefreshToken, zendeskTokens?.AccessToken, zendeskTokens?.RefreshToken }.OfType<string>()];
        Host.Logs.AssertNoneContains(
            [DemoCredentials.AcumaticaPassword, DemoCredentials.AcumaticaClientSecret, DemoCredentials.ZendeskClientSecret, .. issued,
             Host.Secrets.Values[SecretNames.TokenEncryptionKeys][3..], "maria@contoso.example", "Maria Lopez"]);
        Assert.All(second.Values, r => Assert.Equal((0, 0, 0), (r.Counts.Created, r.Counts.Updated, r.Counts.Failed)));
    }

    [Fact]
    public async Task A_name_clash_fails_that_account_into_the_replay_queue_while_the_others_land()
    {
        await SeedTenantAsync(OnboardingPolicy.CreateOnly);
        var handMade = Control.CreateOrganization(Acme, new JsonObject { ["name"] = "Fabrikam Labs" })["id"]!.GetValue<long>();

        var result = await RunAsync("run-1");

        Assert.Equal((2, 1), (result[EntityKind.Customer].Counts.Created, result[EntityKind.Customer].Counts.Failed));
        Assert.Equal(4, result[EntityKind.Contact].Counts.Created);
        Assert.Null(Organizations().Single(o => o["id"]!.GetValue<long>() == handMade)["external_id"]);
        var failed = Assert.Single(await Host.Get<FailedRecordQueue>().ListAsync(Acme, _ct));
        Assert.Equal((EntityKind.Customer, "C000000102"), (failed.Kind, failed.Key));
        Assert.Contains("DuplicateValue", failed.Error.ToString(), StringComparison.Ordinal);
        var ada = Users().Single(u => u["external_id"]!.ToString() == $"acu-contact:{_ada}");
        Assert.True(ada["organization_id"] is null || ada["organization_id"]!.GetValueKind() == System.Text.Json.JsonValueKind.Null);

        // The operator renames the hand-made organization; the replay (read by key from Acumatica) lands the account
        // and links its contact.
        await RenameOrganizationAsync(handMade, "Fabrikam Labs (old)");
        var replay = await Host.Get<ISyncEngine>().ReplayFailedAsync(Acme, "replay-1", _ct);

        Assert.Equal((1, 0), (replay.Succeeded, replay.Failed));
        Assert.Empty(await Host.Get<FailedRecordQueue>().ListAsync(Acme, _ct));
        Assert.Contains(Control.Requests.Recent(10_000), r => r.System == "acumatica" && r.Path.EndsWith("/Customer/C000000102", StringComparison.Ordinal));
        Assert.Equal(OrgId("C000000102"), Users().Single(u => u["external_id"]!.ToString() == $"acu-contact:{_ada}")["organization_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Jobs_refused_for_too_many_queued_are_submitted_again_and_every_account_lands_exactly_once()
    {
        var zendesk = Control.GetZendeskSettings(Acme);
        zendesk.MaxQueuedJobs = 1; // as if another integration held 29 of the account's 30 jobs
        zendesk.JobQueuedFor = TimeSpan.FromMilliseconds(200);
        for (var i = 0; i < 300; i++)
        {
            Control.AddCustomer(Acme, $"C{i + 200:D9}", $"Customer {i:D3}", $"c{i}@customers.example");
        }

        await SeedTenantAsync();

        // One page of 500: its four organization jobs (100, 100, 100, 3) go out side by side.
        var result = await Host.Get<ISyncEngine>().SyncPagesAsync(new SyncPagesRequest(Acme, "run-1", EntityKind.Customer, PageSize: 500), _ct);

        Assert.Equal((303, 303, 0, false), (result.Counts.Read, result.Counts.Created, result.Counts.Failed, result.HasMore));
        var externalIds = Organizations().Select(o => o["external_id"]!.ToString()).ToList();
        Assert.Equal(303, externalIds.Count); // none lost, none twice
        Assert.Equal(303, externalIds.Distinct(StringComparer.Ordinal).Count());
        // The sandbox took one job at a time and refused the others until it had room.
        Assert.Contains(Control.Requests.Recent(10_000), r => r.Status == 429 && r.Path.EndsWith("/organizations/create_many", StringComparison.Ordinal));
        Assert.Empty(await Host.Get<FailedRecordQueue>().ListAsync(Acme, _ct));
        // Told apart from the rate limit (requests were left in the minute): the account was never blocked for a Retry-After.
        Assert.Equal(0, Host.Get<AcumaticaZendesk.Zendesk.ZendeskClientMetrics>().Snapshot().RateLimited);
    }

    [Fact]
    public async Task When_bulk_user_import_is_refused_the_load_still_lands_through_single_calls()
    {
        await SeedTenantAsync();
        Control.GetZendeskSettings(Acme).BulkRefused = true;

        var result = await RunAsync("run-1");

        Assert.Equal(4, result[EntityKind.Contact].Counts.Created);
        Assert.Equal(4, ZendeskWrites().Count(w => w == "POST /zendesk/{subdomain}/api/v2/users/create_or_update"));
        Assert.Equal(4, Users().Length);
    }

    [Fact]
    public async Task A_tenant_whose_zendesk_token_cannot_be_used_is_marked_needs_authorization_and_nothing_moves()
    {
        await SeedTenantAsync(authorizeZendesk: false);

        var result = await Host.Get<ISyncEngine>().SyncPagesAsync(new SyncPagesRequest(Acme, "run-1", EntityKind.Customer), _ct);

        Assert.False(result.HasMore);
        Assert.Null(result.Watermark);
        var tenant = await Host.Get<TenantRepository>().GetRequiredAsync(Acme, _ct);
        Assert.Equal((true, ConnectedSystem.Zendesk), (tenant.Authorization!.NeedsAuthorization, tenant.Authorization.System));
        Assert.Empty(await Host.Get<TenantRepository>().ListRunnableTenantIdsAsync(_ct));
        Assert.Empty(ZendeskWrites());
    }

    /// <summary>What an operator does in Zendesk's admin: a rename through the API with the account's API token.</summary>
    private async Task RenameOrganizationAsync(long id, string name)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{_sandbox.ZendeskUrl(Acme)}/api/v2/organizations/{id}.json"))
        {
            Content = JsonContent.Create(new { organization = new { name } }),
        };
        request.Headers.Authorization = new(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DemoCredentials.ZendeskAdminEmail}/token:{DemoCredentials.ZendeskApiToken}")));
        using var response = await http.SendAsync(request, _ct);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _host?.Dispose();
        await _sandbox.DisposeAsync();
    }
}
