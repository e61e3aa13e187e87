using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Time.Testing;
using static AcumaticaZendesk.Testing.Fakes.TestData;

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

        Assert.Equal(
            ["mapping.organization[1].source", "mapping.organization[2].target", "mapping.userRole", "mapping.user[0].source"],
            errors.Keys.Order(StringComparer.Ordinal));
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

    /// <summary>
    /// Each refusal an operator can meet: the path of the bad setting and the words that say what to put there instead
    /// (a refusal without them leaves the operator guessing at a wizard field or a seed-file line).
    /// </summary>
    private static readonly Dictionary<string, (Func<TenantConfig, TenantConfig> Change, string Path, string Says)> Refusals = new(StringComparer.Ordinal)
    {
        ["id with spaces"] = (t => t with { Id = "Bad Id" }, "id", "must be " + TenantIds.Rule),
        ["blank display name"] = (t => t with { DisplayName = " " }, "displayName", "is required"),
        ["display name one too long"] = (
            t => t with { DisplayName = new string('x', TenantValidator.MaxDisplayNameLength + 1) },
            "displayName",
            "must be at most 200 characters (was 201)"),
        ["no acumatica section"] = (t => t with { Acumatica = null! }, "acumatica", "is required"),
        ["blank instance url"] = (t => t with { Acumatica = t.Acumatica with { InstanceUrl = "" } }, "acumatica.instanceUrl", "is required"),
        ["instance url one too long"] = (
            t => t with { Acumatica = t.Acumatica with { InstanceUrl = UrlOfLength(TenantValidator.MaxUrlLength + 1) } },
            "acumatica.instanceUrl",
            "must be at most 2048 characters"),
        ["instance url with a fragment"] = (
            t => t with { Acumatica = t.Acumatica with { InstanceUrl = "https://erp.example.com/AcumaticaERP#main" } },
            "acumatica.instanceUrl",
            "must not have a query string or fragment"),
        ["endpoint name with a dash"] = (
            t => t with { Acumatica = t.Acumatica with { EndpointName = "My-Endpoint" } },
            "acumatica.endpointName",
            "must be an endpoint name such as 'Default' (letters, digits, '_')"),
        ["no endpoint name"] = (t => t with { Acumatica = t.Acumatica with { EndpointName = null! } }, "acumatica.endpointName", "such as 'Default'"),
        ["blank company"] = (
            t => t with { Acumatica = t.Acumatica with { Company = "" } },
            "acumatica.company",
            "is required (the Acumatica tenant login name)"),
        ["blank branch"] = (t => t with { Acumatica = t.Acumatica with { Branch = " " } }, "acumatica.branch", "must be omitted or a branch id, not blank"),
        ["unknown sign-in"] = (t => t with { Acumatica = t.Acumatica with { AuthMode = (AcumaticaSignIn)7 } }, "acumatica.authMode", "must be oauth or cookie"),
        ["no zendesk section"] = (t => t with { Zendesk = null! }, "zendesk", "is required"),
        ["subdomain given as a host"] = (
            t => t with { Zendesk = t.Zendesk with { Subdomain = "acme.zendesk.com" } },
            "zendesk.subdomain",
            "'acme.zendesk.com' is not a Zendesk subdomain (the 'acme' of acme.zendesk.com: lower-case letters, digits, '-')"),
        ["schedule one too long"] = (
            t => t with { Schedule = "@every " + new string(' ', 92) + "5m" },
            "schedule",
            "must be at most 100 characters ('@every <n>s|m|h' or a 5/6-field cron expression)"),
        ["every zero minutes"] = (t => t with { Schedule = "@every 0m" }, "schedule", "'@every' needs a positive duration"),
        ["every in days"] = (t => t with { Schedule = "@every 2d" }, "schedule", "'@every 2d' is neither '@every <n>s|m|h' nor a 5/6-field cron expression"),
        ["cron minute 61"] = (t => t with { Schedule = "61 * * * *" }, "schedule", "'61 * * * *' is not a valid cron expression: "),
        ["no entity kinds"] = (t => t with { EntityKinds = [] }, "entityKinds", "must list at least one of customer, vendor, contact, employee"),
        ["entity kinds null"] = (t => t with { EntityKinds = null! }, "entityKinds", "must list at least one of"),
        ["tickets as an entity kind"] = (
            t => t with { EntityKinds = [EntityKind.Customer, EntityKind.Ticket] },
            "entityKinds[1]",
            "unknown entity kind 'Ticket'"),
        ["an undefined entity kind"] = (t => t with { EntityKinds = [(EntityKind)42] }, "entityKinds[0]", "unknown entity kind '42'"),
        ["an entity kind twice"] = (
            t => t with { EntityKinds = [EntityKind.Vendor, EntityKind.Contact, EntityKind.Vendor] },
            "entityKinds[2]",
            "'Vendor' is listed twice"),
        ["no mapping section"] = (t => t with { Mapping = null! }, "mapping", "is required"),
        ["admin role"] = (
            t => t with { Mapping = new MappingOptions { UserRole = "admin" } },
            "mapping.userRole",
            "'admin' is not a role synced users can get; use end-user or agent"),
        ["employee organization id with a space"] = (
            t => t with { Mapping = new MappingOptions { EmployeeOrganization = new() { ExternalId = "own company" } } },
            "mapping.employeeOrganization.externalId",
            "must be 1-255 printable characters without spaces or commas"),
        ["blank employee organization name"] = (
            t => t with { Mapping = new MappingOptions { EmployeeOrganization = new() { Name = " " } } },
            "mapping.employeeOrganization.name",
            "must be omitted or a non-blank organization name"),
        ["two mappings into notes"] = (
            t => t with { Mapping = new MappingOptions { Organization = [new("name", "notes"), new("class", "notes")] } },
            "mapping.organization[1].target",
            "'notes' is already the target of an earlier mapping"),
        ["tag prefix without target tags"] = (
            t => t with { Mapping = new MappingOptions { User = [new("attribute:REGION", "notes", "region_")] } },
            "mapping.user[0].tagPrefix",
            "is only allowed with target 'tags' and must be lower-case letters, digits or '_'"),
        ["tag prefix with capitals"] = (
            t => t with { Mapping = new MappingOptions { Organization = [new("class", "tags", "Class_")] } },
            "mapping.organization[0].tagPrefix",
            "is only allowed with target 'tags'"),
        ["unknown onboarding"] = (t => t with { Onboarding = (OnboardingPolicy)9 }, "onboarding", "must be adopt, create-only or report-only"),
        ["needs authorization without a reason"] = (
            t => t with { Authorization = new AuthorizationState(true, ConnectedSystem.Zendesk, "", T0) },
            "authorization.reason",
            "is required when needsAuthorization is true"),
    };

    public static TheoryData<string> RefusalCases => [.. Refusals.Keys];

    [Theory]
    [MemberData(nameof(RefusalCases))]
    public void A_refusal_names_the_setting_and_says_what_it_must_be(string refusal)
    {
        var (change, path, says) = Refusals[refusal];

        var error = Single(change(Tenant()));

        Assert.Equal(path, error.Path);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Values at the edge of what is allowed, and optional settings given properly: all accepted.</summary>
    private static readonly Dictionary<string, Func<TenantConfig, TenantConfig>> Accepted = new(StringComparer.Ordinal)
    {
        ["display name of the longest length"] = t => t with { DisplayName = new string('x', TenantValidator.MaxDisplayNameLength) },
        ["instance url of the longest length"] = t => t with { Acumatica = t.Acumatica with { InstanceUrl = UrlOfLength(TenantValidator.MaxUrlLength) } },
        ["a branch"] = t => t with { Acumatica = t.Acumatica with { Branch = "MAIN" } },
        ["schedule of the longest length"] = t => t with { Schedule = "@every " + new string(' ', 91) + "5m" },
        ["a year in seconds"] = t => t with { Schedule = "@every 31622400s" },
        ["a year in minutes"] = t => t with { Schedule = "@every 527040m" },
        ["every second"] = t => t with { Schedule = "@every 1s" },
        ["agents"] = t => t with { Mapping = new MappingOptions { UserRole = "agent" } },
        ["an employee organization with id and name"] = t =>
            t with { Mapping = new MappingOptions { EmployeeOrganization = new() { ExternalId = "acu-company:contoso-own", Name = "Contoso staff" } } },
        ["several mappings into tags, prefixed"] = t =>
            t with { Mapping = new MappingOptions { Organization = [new("class", "tags", "class_"), new("attribute:INDUSTRY", "tags", "industry_")] } },
        ["needs authorization with a reason"] = t =>
            t with { Authorization = new AuthorizationState(true, ConnectedSystem.Acumatica, "refresh token expired", T0) },
    };

    public static TheoryData<string> AcceptedCases => [.. Accepted.Keys];

    [Theory]
    [MemberData(nameof(AcceptedCases))]
    public void Settings_at_the_edge_of_the_rules_are_accepted(string accepted) =>
        Assert.Empty(TenantValidator.Validate(Accepted[accepted](Tenant())));

    [Fact]
    public void A_schedule_in_seconds_or_minutes_longer_than_a_year_is_refused()
    {
        Assert.Equal("'@every' must be at most 8784h", TenantValidator.CheckSchedule("@every 31622401s"));
        Assert.Equal("'@every' must be at most 8784h", TenantValidator.CheckSchedule("@every 527041m"));
    }

    [Fact]
    public void The_exception_lists_every_error_with_its_path()
    {
        var tenant = Tenant() with { DisplayName = "", Acumatica = Tenant().Acumatica with { Company = "" } };

        var error = Assert.Throws<TenantValidationException>(() => TenantValidator.ThrowIfInvalid(tenant));

        Assert.Equal(
            "Tenant 'contoso' is invalid: displayName: is required; acumatica.company: is required (the Acumatica tenant login name)",
            error.Message);
    }

    /// <summary>An https URL of exactly <paramref name="length"/> characters.</summary>
    private static string UrlOfLength(int length)
    {
        const string start = "https://erp.example.com/";
        return start + new string('a', length - start.Length);
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

    [Fact]
    public async Task An_empty_store_lists_no_tenant_and_deleting_an_unknown_tenant_is_harmless()
    {
        var repository = new TenantRepository(new InMemoryConnectorStateStore(), new FakeTimeProvider(T0));

        Assert.Empty(await repository.ListAsync(None));
        await repository.DeleteAsync("ghost", None);
        Assert.Empty(await repository.ListRunnableTenantIdsAsync(None));
    }

    [Fact]
    public async Task Saving_a_tenant_again_keeps_it_listed_once()
    {
        var repository = new TenantRepository(new InMemoryConnectorStateStore(), new FakeTimeProvider(T0));
        await repository.SaveAsync(Tenant("a"), None);
        await repository.SaveAsync(Tenant("b"), None);

        await repository.SaveAsync(Tenant("a") with { DisplayName = "A renamed" }, None);

        Assert.Equal([("a", "A renamed"), ("b", "Contoso Ltd")], (await repository.ListAsync(None)).Select(t => (t.Id, t.DisplayName)));
    }

    [Fact]
    public async Task Changing_a_tenant_that_does_not_exist_names_it()
    {
        var repository = new TenantRepository(new InMemoryConnectorStateStore(), new FakeTimeProvider(T0));

        var pause = await Assert.ThrowsAsync<KeyNotFoundException>(() => repository.SetPausedAsync("ghost", true, None));
        var get = await Assert.ThrowsAsync<KeyNotFoundException>(() => repository.GetRequiredAsync("ghost", None));

        Assert.Equal("Tenant 'ghost' does not exist.", pause.Message);
        Assert.Equal("Tenant 'ghost' does not exist.", get.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => repository.GetAsync("", None));
    }

    [Fact]
    public async Task A_seed_file_naming_one_id_twice_says_which_tenant_repeats_it()
    {
        var repository = new TenantRepository(new InMemoryConnectorStateStore(), new FakeTimeProvider(T0));

        var error = await Assert.ThrowsAsync<TenantValidationException>(() => repository.SeedAsync([Tenant("a"), Tenant("b"), Tenant("a")], None));

        Assert.Equal("Tenant '(seed)' is invalid: tenants[2].id: 'a' is used by an earlier tenant", error.Message);
        Assert.Empty(await repository.ListAsync(None));
    }

    [Theory]
    [InlineData("""[ { "id": "demo", "displayName": 12 } ]""", "tenants[0].displayName")]
    [InlineData("""{ "id": "demo" }""", "tenants")]
    public void A_seed_file_that_is_not_a_list_of_tenants_names_where_it_goes_wrong(string json, string path)
    {
        var error = Assert.Throws<TenantValidationException>(() => TenantRepository.ParseSeed(json));

        Assert.StartsWith("Tenant '(seed)' is invalid: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, Assert.Single(error.Errors).Path);
        Assert.Contains("could not be converted", Assert.Single(error.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_seed_file_holding_null_seeds_nothing() => Assert.Empty(TenantRepository.ParseSeed("null"));

    [Fact]
    public void A_tenant_without_a_base_url_talks_to_its_zendesk_subdomain() =>
        Assert.Equal(new Uri("https://acme.zendesk.com/"), new ZendeskSettings { Subdomain = "acme" }.EffectiveBaseUrl);
}
