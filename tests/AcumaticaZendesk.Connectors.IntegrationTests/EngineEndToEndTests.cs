using System.Text.Json.Nodes;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

/// <summary>
/// The real <c>SyncEngine</c> (from <c>AddSyncCore</c>) through both real adapters and both real clients, against
/// the WireMock Acumatica and Zendesk: the way the worker's activities will drive it.
/// </summary>
public sealed class EngineEndToEndTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2024, 11, 18, 16, 0, 0, TimeSpan.Zero);
    private readonly FakeAcumatica _acu = new();
    private readonly FakeZendesk _zd = new();
    private readonly ConnectorHost _host = new(new Dictionary<string, string?> { ["Zendesk:JobPollInterval"] = "00:00:00.005", ["Zendesk:JobPollMaxInterval"] = "00:00:00.010" });
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public EngineEndToEndTests()
    {
        _acu.Put("Customer", JsonNode.Parse(Samples.AcumaticaSample("customer_GET_by_keys").GetProperty("body").GetRawText())!.AsObject());
        _acu.Put("Customer", FakeAcumatica.Customer("C000000102", "Fabrikam Labs", T0.AddMinutes(5), "info@fabrikam.example"));
        _acu.Put("Customer", FakeAcumatica.Customer("C000000103", "Northwind Traders", T0.AddMinutes(5), "ops@northwind.example"));
        _acu.Put("Contact", FakeAcumatica.Contact(100200, "C000000101", "Maria", "Lopez", "maria@contoso.example", T0.AddMinutes(1)));
        _acu.Put("Contact", FakeAcumatica.Contact(100201, "C000000101", "Ken", "Ito", "ken@contoso.example", T0.AddMinutes(1)));
        _acu.Put("Contact", FakeAcumatica.Contact(100202, "C000000102", "Ada", "Park", "ada@fabrikam.example", T0.AddMinutes(2)));
        _acu.Put("Contact", FakeAcumatica.Contact(100203, "C000000103", "Raj", "Nair", "raj@northwind.example", T0.AddMinutes(3)));
        _host.UsePasswordGrant();
        _host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = FakeZendesk.ClientId;
        _host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk)] = FakeZendesk.ClientSecret;
    }

    private async Task<TenantConfig> SeedTenantAsync(OnboardingPolicy onboarding = OnboardingPolicy.Adopt, bool authorizeZendesk = true)
    {
        var tenant = ConnectorHost.Tenant(_acu.InstanceUrl, _zd.BaseUrl) with { Onboarding = onboarding };
        await _host.Get<TenantRepository>().SaveAsync(tenant, _ct);
        if (authorizeZendesk)
        {
            _zd.AcceptAccessToken("zd-consent-access");
            var store = await _host.Get<TenantTokens>().GetStoreAsync(_ct);
            await store.SaveAsync(tenant.Id, ConnectedSystem.Zendesk, new TokenSet("zd-consent-access", null, null, null, "read write"), _ct);
        }

        return tenant;
    }

    private Task<Dictionary<EntityKind, SyncPageResult>> RunAsync(string runId) =>
        EngineRuns.RunAsync(_host.Get<ISyncEngine>(), "acme", runId, [EntityKind.Customer, EntityKind.Contact], _ct);

    private long OrgId(string externalId) => _zd.Organizations.Single(o => o["external_id"]?.ToString() == externalId)["id"]!.GetValue<long>();

    [Fact]
    public async Task An_initial_load_creates_organizations_in_a_job_then_linked_users_and_a_second_run_writes_nothing()
    {
        await SeedTenantAsync();

        var first = await RunAsync("run-1");

        Assert.Equal((3, 3, 0), (first[EntityKind.Customer].Counts.Read, first[EntityKind.Customer].Counts.Created, first[EntityKind.Customer].Counts.Failed));
        Assert.Equal((4, 4, 0), (first[EntityKind.Contact].Counts.Read, first[EntityKind.Contact].Counts.Created, first[EntityKind.Contact].Counts.Failed));
        Assert.Equal(["organizations.create_many", "users.create_or_update_many"], _zd.Writes);
        Assert.Equal(["C000000101", "C000000102", "C000000103"], _zd.Organizations.Select(o => o["external_id"]!.ToString()).Order(StringComparer.Ordinal));
        var contoso = _zd.Organizations.Single(o => o["external_id"]!.ToString() == "C000000101");
        Assert.Equal("Contoso Pharmacy", contoso["name"]!.ToString());
        Assert.Contains("acu_customer", contoso["tags"]!.AsArray().Select(t => t!.ToString()));
        var users = _zd.Users.ToDictionary(u => u["external_id"]!.ToString(), u => u["organization_id"]!.GetValue<long>());
        Assert.Equal(OrgId("C000000101"), users["acu-contact:100200"]);
        Assert.Equal(OrgId("C000000101"), users["acu-contact:100201"]);
        Assert.Equal(OrgId("C000000102"), users["acu-contact:100202"]);
        Assert.Equal(OrgId("C000000103"), users["acu-contact:100203"]);
        Assert.Equal(["password"], _acu.Grants); // one sign-in, the token reused for every page

        var writesAfterFirst = _zd.Writes.Count;
        var second = await RunAsync("run-2");

        Assert.Equal(writesAfterFirst, _zd.Writes.Count);
        _host.Logs.AssertNoneContains(
            FakeAcumatica.Password, FakeAcumatica.ClientSecret, FakeAcumatica.Access(1), FakeAcumatica.Refresh(1),
            FakeZendesk.ClientSecret, "zd-consent-access", _host.Secrets.Values[SecretNames.TokenEncryptionKeys][3..],
            "maria@contoso.example", "Maria Lopez");
        Assert.All(second.Values, r => Assert.Equal((0, 0, 0), (r.Counts.Created, r.Counts.Updated, r.Counts.Failed)));
    }

    [Fact]
    public async Task A_name_clash_fails_that_account_into_the_replay_queue_while_the_others_land()
    {
        await SeedTenantAsync(OnboardingPolicy.CreateOnly);
        var handMade = _zd.AddOrganization("Fabrikam Labs");

        var result = await RunAsync("run-1");

        Assert.Equal((2, 1), (result[EntityKind.Customer].Counts.Created, result[EntityKind.Customer].Counts.Failed));
        Assert.Equal(4, result[EntityKind.Contact].Counts.Created);
        Assert.Null(_zd.Organizations.Single(o => o["id"]!.GetValue<long>() == handMade)["external_id"]);
        var failed = Assert.Single(await _host.Get<FailedRecordQueue>().ListAsync("acme", _ct));
        Assert.Equal((EntityKind.Customer, "C000000102"), (failed.Kind, failed.Key));
        Assert.Contains("DuplicateValue", failed.Error.ToString(), StringComparison.Ordinal);
        var ada = _zd.Users.Single(u => u["external_id"]!.ToString() == "acu-contact:100202");
        Assert.True(ada["organization_id"] is null || ada["organization_id"]!.GetValueKind() == System.Text.Json.JsonValueKind.Null);

        // The operator renames the hand-made organization; the replay (read by key from Acumatica) lands the account
        // and links its contact.
        _zd.RenameOrganization(handMade, "Fabrikam Labs (old)");
        var replay = await _host.Get<SyncEngine>().ReplayFailedAsync("acme", "replay-1", _ct);

        Assert.Equal((1, 0), (replay.Succeeded, replay.Failed));
        Assert.Empty(await _host.Get<FailedRecordQueue>().ListAsync("acme", _ct));
        Assert.Contains(_acu.Queries, q => q.Contains("/Customer/C000000102?", StringComparison.Ordinal));
        Assert.Equal(OrgId("C000000102"), _zd.Users.Single(u => u["external_id"]!.ToString() == "acu-contact:100202")["organization_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task When_bulk_user_import_is_refused_the_load_still_lands_through_single_calls()
    {
        await SeedTenantAsync();
        _zd.BulkUserImportRefused = true;

        var result = await RunAsync("run-1");

        Assert.Equal(4, result[EntityKind.Contact].Counts.Created);
        Assert.Equal(4, _zd.Writes.Count(w => w == "users.create_or_update"));
        Assert.Equal(4, _zd.Users.Count);
    }

    [Fact]
    public async Task A_tenant_whose_zendesk_token_cannot_be_used_is_marked_needs_authorization_and_nothing_moves()
    {
        await SeedTenantAsync(authorizeZendesk: false);

        var result = await _host.Get<ISyncEngine>().SyncPageAsync(new SyncPageRequest("acme", "run-1", EntityKind.Customer), _ct);

        Assert.False(result.HasMore);
        Assert.Null(result.Watermark);
        var tenant = await _host.Get<TenantRepository>().GetRequiredAsync("acme", _ct);
        Assert.Equal((true, ConnectedSystem.Zendesk), (tenant.Authorization!.NeedsAuthorization, tenant.Authorization.System));
        Assert.Empty(await _host.Get<TenantRepository>().ListRunnableTenantIdsAsync(_ct));
        Assert.Empty(_zd.Writes);
    }

    public void Dispose()
    {
        _host.Dispose();
        _zd.Dispose();
        _acu.Dispose();
    }
}
