using System.Net;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.IntegrationTests;

public sealed class PlanAndReconcileTests : IAsyncLifetime
{
    private OperatorHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await OperatorHost.StartAsync(new Dictionary<string, string?> { ["Operator:PlanPageSize"] = "2" });
        await _host.AddTenantAsync(
            TestData.Tenant("contoso") with { Onboarding = OnboardingPolicy.CreateOnly, EntityKinds = [EntityKind.Customer, EntityKind.Contact] });
        var t = _host.Time.GetUtcNow().AddHours(-1);
        _host.Acumatica.Upsert(TestData.Customer("C1", "Initrode", t));
        _host.Acumatica.Upsert(TestData.Customer("C2", "Hooli", t));
        _host.Acumatica.Upsert(TestData.Customer("C3", "Globex", t));
        _host.Acumatica.Upsert(TestData.Contact("101", "Ada", "Lovelace", "ada@initrode.example", "C1", t));
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private IReadOnlyDictionary<string, string> Snapshot() =>
        _host.Store.Keys.ToDictionary(k => k, k => Convert.ToBase64String(_host.Store.GetRaw(k)!));

    [Fact]
    public async Task Plan_on_a_fresh_tenant_lists_the_creates_over_several_pages_and_writes_nothing()
    {
        var before = Snapshot();
        using var client = _host.Client(OperatorHost.ContosoKey);

        var response = await client.PostAsync("/operator/v1/tenants/contoso/plan", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var plan = await OperatorHost.ReadJsonAsync(response);
        var customer = plan.GetProperty("kinds")[0];
        Assert.Equal("customer", customer.GetProperty("kind").GetString());
        Assert.Equal(3, customer.GetProperty("actions").GetProperty("create").GetInt32());
        Assert.True(customer.GetProperty("pages").GetInt32() >= 2);
        Assert.True(customer.GetProperty("complete").GetBoolean());
        Assert.Equal(1, plan.GetProperty("kinds")[1].GetProperty("actions").GetProperty("create").GetInt32());
        Assert.Equal(
            ["101", "C1", "C2", "C3"],
            plan.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(0, _host.Zendesk.Writes);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Plan_shows_an_adoption_of_a_hand_made_organization_and_still_writes_nothing()
    {
        await _host.AddTenantAsync(TestData.Tenant("contoso") with { Onboarding = OnboardingPolicy.Adopt, EntityKinds = [EntityKind.Customer] });
        var handMade = _host.Zendesk.AddHandMadeOrganization("Hooli");
        var before = Snapshot();
        using var client = _host.Client();

        var plan = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/plan", null, Ct));

        var hooli = plan.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("key").GetString() == "C2");
        Assert.Equal("adopt", hooli.GetProperty("action").GetString());
        Assert.Equal(handMade.Id, hooli.GetProperty("zendeskId").GetInt64());
        Assert.Null(handMade.ExternalId);
        Assert.Equal(0, _host.Zendesk.Writes);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Reconcile_finds_missing_accounts_orphans_and_duplicate_names()
    {
        _host.Zendesk.AddHandMadeOrganization("Hooli");
        var orphanOrg = _host.Zendesk.AddHandMadeOrganization("Gone Corp");
        orphanOrg.ExternalId = "C99";
        _host.Zendesk.AddHandMadeUser("Old Contact", "old@example.com", "acu-contact:999");
        _host.Zendesk.AddHandMadeUser("Agent Smith", "smith@example.com");
        var linked = _host.Zendesk.AddHandMadeOrganization("Initrode");
        linked.ExternalId = "C1";
        var before = Snapshot();
        using var client = _host.Client();

        var response = await client.PostAsync("/operator/v1/tenants/contoso/reconcile", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await OperatorHost.ReadJsonAsync(response);
        Assert.Equal(["C2", "C3", "101"], report.GetProperty("missingInZendesk").EnumerateArray().Select(m => m.GetProperty("key").GetString()));
        Assert.Equal("C99", Assert.Single(report.GetProperty("orphanOrganizations").EnumerateArray()).GetProperty("externalId").GetString());
        Assert.Equal("acu-contact:999", Assert.Single(report.GetProperty("orphanUsers").EnumerateArray()).GetProperty("externalId").GetString());
        var duplicate = Assert.Single(report.GetProperty("duplicateNames").EnumerateArray());
        Assert.Equal("Hooli", duplicate.GetProperty("name").GetString());
        Assert.Contains("DuplicateValue", duplicate.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _host.Zendesk.Writes);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Reconcile_reports_two_accounts_with_one_name()
    {
        _host.Acumatica.Upsert(TestData.Vendor("V7", "globex"));
        using var client = _host.Client();
        await client.PutAsync(
            "/operator/v1/tenants/contoso",
            OperatorHost.JsonBody(TestData.Tenant("contoso") with { EntityKinds = [EntityKind.Customer, EntityKind.Vendor] }),
            Ct);

        var report = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/reconcile", null, Ct));

        var duplicate = Assert.Single(report.GetProperty("duplicateNames").EnumerateArray());
        Assert.Equal(["C3", "V7"], duplicate.GetProperty("acumaticaKeys").EnumerateArray().Select(k => k.GetString()).Order(StringComparer.Ordinal));
    }
}
