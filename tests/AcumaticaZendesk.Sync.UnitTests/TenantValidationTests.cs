using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Time.Testing;
using static AcumaticaZendesk.Sync.UnitTests.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class TenantValidationTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static ValidationError Single(TenantConfig tenant) => Assert.Single(TenantValidator.Validate(tenant));

    [Fact]
    public void A_complete_tenant_is_valid() => Assert.Empty(TenantValidator.Validate(Tenant()));

    [Theory]
    [InlineData("not a url", "is not an absolute http(s) URL")]
    [InlineData("ftp://erp.example.com", "is not an absolute http(s) URL")]
    [InlineData("http://erp.example.com/Acumatica", "http is only allowed for localhost/loopback")]
    [InlineData("https://admin:secret@erp.example.com", "must not carry credentials")]
    [InlineData("https://erp.example.com/?company=x", "must not have a query string")]
    public void A_bad_instance_url_names_the_field_and_why(string url, string why)
    {
        var error = Single(Tenant() with { Acumatica = Tenant().Acumatica with { InstanceUrl = url } });

        Assert.Equal("acumatica.instanceUrl", error.Path);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5100")]
    [InlineData("http://127.0.0.1:5100/AcumaticaERP")]
    [InlineData("http://[::1]:8080")]
    public void Http_is_fine_for_loopback(string url) =>
        Assert.Empty(TenantValidator.Validate(Tenant() with { Acumatica = Tenant().Acumatica with { InstanceUrl = url } }));

    [Theory]
    [InlineData("24.200")]
    [InlineData("v24.200.001")]
    [InlineData("2024R2")]
    public void An_unknown_endpoint_version_format_is_refused(string version)
    {
        var error = Single(Tenant() with { Acumatica = Tenant().Acumatica with { EndpointVersion = version } });

        Assert.Equal("acumatica.endpointVersion", error.Path);
        Assert.Contains("NN.NNN.NNN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_errors_name_the_mapping_index_and_reason()
    {
        var tenant = Tenant() with
        {
            Mapping = new MappingOptions
            {
                Organization =
                [
                    new FieldMapping("name", "organization_fields.display"),
                    new FieldMapping("field:CreditLimit", "organization_fields.credit"),
                    new FieldMapping("class", "group_id"),
                ],
                User = [new FieldMapping("attribute:BALANCE", "user_fields.balance")],
                UserRole = "admin",
            },
        };

        var errors = TenantValidator.Validate(tenant).ToDictionary(e => e.Path, e => e.Message);

        Assert.Equal(["mapping.organization[1].source", "mapping.organization[2].target", "mapping.userRole", "mapping.user[0].source"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("finance field", errors["mapping.organization[1].source"], StringComparison.Ordinal);
        Assert.Contains("unknown mapping target 'group_id'", errors["mapping.organization[2].target"], StringComparison.Ordinal);
        Assert.Contains("finance field", errors["mapping.user[0].source"], StringComparison.Ordinal);
    }

    [Fact]
    public void Other_fields_are_checked_too()
    {
        var tenant = Tenant() with
        {
            Id = "Bad Id",
            Zendesk = new ZendeskSettings { Subdomain = "acme.zendesk.com", BaseUrl = "http://sandbox.example" },
            Schedule = "every five minutes",
            EntityKinds = [EntityKind.Customer, EntityKind.Customer],
            Authorization = new AuthorizationState(true, ConnectedSystem.Zendesk, " ", T0),
        };

        var paths = TenantValidator.Validate(tenant).Select(e => e.Path).Order(StringComparer.Ordinal);

        Assert.Equal(["authorization.reason", "entityKinds[1]", "id", "schedule", "zendesk.baseUrl", "zendesk.subdomain"], paths);
    }

    [Theory]
    [InlineData("@every 5m")]
    [InlineData("*/5 * * * *")]
    [InlineData("0 */5 * * * *")]
    public void Schedules_in_cron_or_every_form_are_accepted(string schedule) => Assert.Null(TenantValidator.CheckSchedule(schedule));

    [Fact]
    public async Task The_repository_validates_lists_through_an_index_and_knows_who_may_run()
    {
        var store = new InMemoryConnectorStateStore();
        var repository = new TenantRepository(store, new FakeTimeProvider(T0));
        await repository.SaveAsync(Tenant("a"), None);
        await repository.SaveAsync(Tenant("b"), None);
        await repository.SaveAsync(Tenant("c"), None);
        await repository.SetPausedAsync("b", true, None);
        await repository.MarkNeedsAuthorizationAsync("c", ConnectedSystem.Acumatica, "refresh token expired", None);

        Assert.Equal(["a", "b", "c"], (await repository.ListAsync(None)).Select(t => t.Id));
        Assert.Equal(["a"], await repository.ListRunnableTenantIdsAsync(None));
        Assert.Equal("refresh token expired", (await repository.GetAsync("c", None))!.Authorization!.Reason);

        await repository.ClearNeedsAuthorizationAsync("c", None);
        await repository.DeleteAsync("a", None);
        Assert.Equal(["c"], await repository.ListRunnableTenantIdsAsync(None));

        var invalid = await Assert.ThrowsAsync<TenantValidationException>(() => repository.SaveAsync(Tenant("d") with { DisplayName = "" }, None));
        Assert.Equal("displayName", Assert.Single(invalid.Errors).Path);
    }

    [Fact]
    public async Task Seeding_from_json_creates_missing_tenants_and_leaves_operator_changes_alone()
    {
        const string json = """
            [
              { "id": "demo", "displayName": "Demo", "onboarding": "report-only",
                "acumatica": { "instanceUrl": "http://127.0.0.1:5300", "endpointVersion": "24.200.001", "company": "Demo", "authMode": "cookie" },
                "zendesk": { "subdomain": "demo", "baseUrl": "http://127.0.0.1:5301" },
                "entityKinds": [ "customer", "contact" ],
                "mapping": { "organization": [ { "source": "attribute:INDUSTRY", "target": "organization_fields.industry" } ] } }
            ]
            """;
        var store = new InMemoryConnectorStateStore();
        var repository = new TenantRepository(store, new FakeTimeProvider(T0));
        var tenants = TenantRepository.ParseSeed(json);

        Assert.Equal(SeedOutcome.Created, (await repository.SeedAsync(tenants, None))["demo"]);
        await repository.SetPausedAsync("demo", true, None);
        Assert.Equal(SeedOutcome.AlreadyPresent, (await repository.SeedAsync(tenants, None))["demo"]);

        var demo = (await repository.GetAsync("demo", None))!;
        Assert.True(demo.Paused);
        Assert.Equal((OnboardingPolicy.ReportOnly, AcumaticaSignIn.Cookie), (demo.Onboarding, demo.Acumatica.AuthMode));
        Assert.Equal([EntityKind.Customer, EntityKind.Contact], demo.EntityKinds);
        Assert.Equal(new Uri("http://127.0.0.1:5301"), demo.Zendesk.EffectiveBaseUrl);
    }

    [Fact]
    public void A_seed_file_written_by_hand_may_carry_comments_and_trailing_commas()
    {
        const string json = """
            [
              // the demo tenant
              { "id": "demo", "displayName": "Demo",
                "acumatica": { "instanceUrl": "http://127.0.0.1:5300", "endpointVersion": "24.200.001", "company": "Demo", },
                "zendesk": { "subdomain": "demo" }, /* no base URL: the real host */
              },
            ]
            """;

        var demo = Assert.Single(TenantRepository.ParseSeed(json));

        Assert.Equal(("demo", "demo"), (demo.Id, demo.Zendesk.Subdomain));
    }

    [Fact]
    public async Task Seeding_an_invalid_tenant_names_its_position_in_the_file()
    {
        var repository = new TenantRepository(new InMemoryConnectorStateStore(), new FakeTimeProvider(T0));
        var bad = Tenant("b") with { Acumatica = Tenant().Acumatica with { EndpointVersion = "24.2" } };

        var error = await Assert.ThrowsAsync<TenantValidationException>(() => repository.SeedAsync([Tenant("a"), bad, Tenant("a")], None));

        Assert.Equal(["tenants[1].acumatica.endpointVersion", "tenants[2].id"], error.Errors.Select(e => e.Path));
    }
}
