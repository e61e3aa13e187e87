using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Connectors.Acumatica;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

public sealed class AcumaticaSourceTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2024, 11, 18, 16, 0, 0, TimeSpan.Zero);
    private readonly FakeAcumatica _acu = new();
    private readonly ConnectorHost _host = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public AcumaticaSourceTests()
    {
        _acu.Put("Customer", JsonNode.Parse(Samples.AcumaticaSample("customer_GET_by_keys").GetProperty("body").GetRawText())!.AsObject());
        _acu.Put("Customer", FakeAcumatica.Customer("C000000102", "Fabrikam Labs", T0.AddMinutes(5), "info@fabrikam.example"));
        _acu.Put("Contact", FakeAcumatica.Contact(100200, "C000000101", "Maria", "Lopez", "maria@contoso.example", T0.AddMinutes(1)));
    }

    private TenantConfig Tenant(AcumaticaSignIn mode = AcumaticaSignIn.Oauth) =>
        ConnectorHost.Tenant(_acu.InstanceUrl, "http://127.0.0.1:1/zendesk/acme", mode);

    [Fact]
    public async Task Reads_a_page_of_customers_with_the_incremental_filter_and_maps_the_vendored_sample()
    {
        _host.UsePasswordGrant();
        var source = _host.Get<IAcumaticaSource>();

        var page = await source.ReadPageAsync(Tenant(), EntityKind.Customer, T0, skip: 0, top: 50, _ct);

        Assert.Equal(["C000000101", "C000000102"], page.Select(r => r.Key));
        var contoso = Assert.IsType<AcumaticaAccount>(page[0]);
        Assert.Equal(EntityKind.Customer, contoso.Kind);
        Assert.Equal("Contoso Pharmacy", contoso.Name);
        Assert.Equal("DEFAULT", contoso.ClassId);
        Assert.Equal("Active", contoso.Status);
        Assert.Equal("ap@contoso.example", contoso.Email);
        Assert.Equal("+1 (555) 010-2030", contoso.Phone);
        Assert.Null(contoso.Note); // "" in the sample
        Assert.Null(contoso.ParentAccount); // {} in the sample
        Assert.Equal(DateTimeOffset.Parse("2024-11-18T16:02:45.913+00:00", System.Globalization.CultureInfo.InvariantCulture), contoso.LastModifiedDateTime);
        var query = Assert.Single(_acu.Queries);
        Assert.Contains("/entity/Default/24.200.001/Customer?", query, StringComparison.Ordinal);
        Assert.Contains("$filter=LastModifiedDateTime ge datetimeoffset'2024-11-18T16:00:00.000+00:00'", query, StringComparison.Ordinal);
        Assert.Contains("$top=50", query, StringComparison.Ordinal);
        Assert.Contains("$skip=0", query, StringComparison.Ordinal);
        Assert.Contains("$expand=MainContact", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_are_single_reads_at_the_engines_skip_and_a_short_page_ends_the_pass()
    {
        _host.UsePasswordGrant();
        var source = _host.Get<IAcumaticaSource>();

        var first = await source.ReadPageAsync(Tenant(), EntityKind.Customer, since: null, skip: 0, top: 1, _ct);
        var second = await source.ReadPageAsync(Tenant(), EntityKind.Customer, since: null, skip: 1, top: 1, _ct);
        var third = await source.ReadPageAsync(Tenant(), EntityKind.Customer, since: null, skip: 2, top: 1, _ct);

        Assert.Equal("C000000101", Assert.Single(first).Key);
        Assert.Equal("C000000102", Assert.Single(second).Key);
        Assert.Empty(third);
        Assert.All(_acu.Queries, q => Assert.DoesNotContain("$filter", q, StringComparison.Ordinal));
        Assert.Equal(3, _acu.Queries.Count);
    }

    [Fact]
    public async Task Contacts_become_people_with_their_business_account()
    {
        _host.UsePasswordGrant();
        var page = await _host.Get<IAcumaticaSource>().ReadPageAsync(Tenant(), EntityKind.Contact, null, 0, 10, _ct);

        var maria = Assert.IsType<AcumaticaPerson>(Assert.Single(page));
        Assert.Equal(EntityKind.Contact, maria.Kind);
        Assert.Equal("100200", maria.Key);
        Assert.Equal("C000000101", maria.BusinessAccount);
        Assert.Equal("Maria Lopez", maria.DisplayName);
        Assert.Equal("maria@contoso.example", maria.Email);
        Assert.True(maria.Active);
    }

    [Fact]
    public async Task Vendors_and_employees_map_from_their_linked_contacts()
    {
        _acu.Put("Vendor", new JsonObject
        {
            ["VendorID"] = FakeAcumatica.Wrap("C000000101"),
            ["VendorName"] = new JsonObject(),
            ["LegalName"] = FakeAcumatica.Wrap("Contoso Pharmacy LLC"),
            ["VendorClass"] = FakeAcumatica.Wrap("LOCAL"),
            ["Status"] = FakeAcumatica.Wrap("Inactive"),
            ["LastModifiedDateTime"] = FakeAcumatica.Wrap("2024-11-18T16:10:00.000+00:00"),
            ["MainContact"] = new JsonObject
            {
                ["Email"] = FakeAcumatica.Wrap("ap@contoso.example"),
                ["WebSite"] = FakeAcumatica.Wrap("https://contoso.example")
            },
        });
        _acu.Put("Employee", new JsonObject
        {
            ["EmployeeID"] = FakeAcumatica.Wrap("EP00000002"),
            ["EmployeeName"] = FakeAcumatica.Wrap("Ada Park"),
            ["Status"] = FakeAcumatica.Wrap("Inactive"),
            ["LastModifiedDateTime"] = FakeAcumatica.Wrap("2024-11-18T16:11:00.000+00:00"),
            ["ContactInfo"] = new JsonObject { ["Email"] = FakeAcumatica.Wrap("ada@acme.example"), ["DisplayName"] = FakeAcumatica.Wrap("Ada P.") },
        });
        _host.UsePasswordGrant();
        var source = _host.Get<IAcumaticaSource>();

        var vendor = Assert.IsType<AcumaticaAccount>(Assert.Single(await source.ReadPageAsync(Tenant(), EntityKind.Vendor, null, 0, 10, _ct)));
        var employee = Assert.IsType<AcumaticaPerson>(Assert.Single(await source.ReadPageAsync(Tenant(), EntityKind.Employee, null, 0, 10, _ct)));

        Assert.Equal((EntityKind.Vendor, "Contoso Pharmacy LLC", "LOCAL", "Inactive", "ap@contoso.example", "https://contoso.example"),
            (vendor.Kind, vendor.Name, vendor.ClassId, vendor.Status, vendor.Email, vendor.Website));
        Assert.Equal((EntityKind.Employee, "EP00000002", "Ada Park", "ada@acme.example", false),
            (employee.Kind, employee.Key, employee.DisplayName, employee.Email, employee.Active));
    }

    [Fact]
    public async Task Field_and_attribute_mappings_are_selected_and_read()
    {
        var row = FakeAcumatica.Customer("C000000103", "Northwind", T0, "ops@northwind.example");
        row["AccountRef"] = FakeAcumatica.Wrap("NW-7");
        row["Attributes"] = new JsonArray(new JsonObject { ["AttributeID"] = FakeAcumatica.Wrap("INDUSTRY"), ["Value"] = FakeAcumatica.Wrap("Retail") });
        _acu.Put("Customer", row);
        _host.UsePasswordGrant();
        var tenant = Tenant() with
        {
            Mapping = Tenant().Mapping with
            {
                Organization = [
                    new FieldMapping("field:AccountRef", "organization_fields.account_ref"),
                    new FieldMapping("attribute:INDUSTRY", "tags", "industry_")],
            },
        };

        var page = await _host.Get<IAcumaticaSource>().ReadPageAsync(tenant, EntityKind.Customer, T0, 0, 10, _ct);

        var northwind = page.Single(r => r.Key == "C000000103");
        Assert.Equal("NW-7", northwind.Fields["AccountRef"]);
        Assert.Equal("Retail", northwind.Attributes["INDUSTRY"]);
        var query = Assert.Single(_acu.Queries);
        Assert.Contains("AccountRef", query, StringComparison.Ordinal);
        Assert.Contains("Attributes/AttributeID", query, StringComparison.Ordinal);
        Assert.Contains("$expand=MainContact,Attributes", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_reads_by_key_and_leaves_out_records_that_are_gone()
    {
        _host.UsePasswordGrant();

        var records = await _host.Get<IAcumaticaSource>().GetByKeysAsync(Tenant(), EntityKind.Customer, ["C000000102", "C999", "C000000101"], _ct);

        Assert.Equal(["C000000102", "C000000101"], records.Select(r => r.Key));
        Assert.Contains(_acu.Queries, q => q.Contains("/Customer/C999?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreadable_record_becomes_a_refused_record_in_its_place_on_the_page_and_on_replay()
    {
        _host.UsePasswordGrant();
        var broken = FakeAcumatica.Customer("C000000103", "Broken Ltd", T0.AddMinutes(7));
        broken["CustomerName"] = new JsonObject { ["value"] = new JsonArray(1, 2) };
        _acu.Put("Customer", broken);
        var source = _host.Get<IAcumaticaSource>();

        var page = await source.ReadPageAsync(Tenant(), EntityKind.Customer, since: null, skip: 0, top: 3, _ct);
        var replayed = await source.GetByKeysAsync(Tenant(), EntityKind.Customer, ["C000000103", "C000000101"], _ct);

        Assert.Equal(3, page.Count); // the refused row keeps its place: a full page, so the pass goes on
        var refused = Assert.Single(page.OfType<RefusedAcumaticaRecord>());
        Assert.Equal(("C000000103", "MalformedRecord", T0.AddMinutes(7)), (refused.Key, refused.Code, refused.LastModifiedDateTime));
        Assert.Contains("CustomerName", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(2, page.OfType<AcumaticaAccount>().Count());
        Assert.IsType<RefusedAcumaticaRecord>(replayed[0]);
        Assert.Equal("C000000103", replayed[0].Key);
        Assert.IsType<AcumaticaAccount>(replayed[1]);
    }

    [Fact]
    public async Task A_rotated_refresh_token_is_stored_encrypted_and_used_next_time()
    {
        _host.UseOAuthClient(); // authorization-code mode: the consent left tokens in the state store
        _acu.AcceptRefreshToken("consent-refresh-0");
        var tokens = await _host.Get<TenantTokens>().GetStoreAsync(_ct);
        await tokens.SaveAsync("acme", ConnectedSystem.Acumatica, new TokenSet("consent-access-0", "consent-refresh-0", T0, null, "api offline_access"), _ct);

        await _host.Get<IAcumaticaSource>().ReadPageAsync(Tenant(), EntityKind.Customer, null, 0, 10, _ct);

        Assert.Equal(["refresh_token"], _acu.Grants);
        var stored = await tokens.GetAsync("acme", ConnectedSystem.Acumatica, _ct);
        Assert.Equal((FakeAcumatica.Access(1), FakeAcumatica.Refresh(1)), (stored!.AccessToken, stored.RefreshToken));
        var raw = Encoding.UTF8.GetString(_host.State.GetRaw(StateKeys.Tokens("acme", ConnectedSystem.Acumatica))!);
        Assert.DoesNotContain(FakeAcumatica.Access(1), raw, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAcumatica.Refresh(1), raw, StringComparison.Ordinal);
        Assert.Contains("\"k1\"", raw, StringComparison.Ordinal);

        // A new source (a restarted worker) uses the stored access token without another grant.
        using var restarted = new ConnectorHost(restartOf: _host);
        await restarted.Get<IAcumaticaSource>().ReadPageAsync(Tenant(), EntityKind.Customer, null, 0, 10, _ct);
        Assert.Single(_acu.Grants);
    }

    [Fact]
    public async Task A_refused_refresh_token_means_the_tenant_needs_authorization()
    {
        _host.UseOAuthClient();
        var tokens = await _host.Get<TenantTokens>().GetStoreAsync(_ct);
        await tokens.SaveAsync("acme", ConnectedSystem.Acumatica, new TokenSet("revoked-access", "revoked-refresh", T0, null, null), _ct);

        var ex = await Assert.ThrowsAsync<AuthorizationRequiredException>(() =>
            _host.Get<IAcumaticaSource>().ReadPageAsync(Tenant(), EntityKind.Customer, null, 0, 10, _ct));

        Assert.Equal(ConnectedSystem.Acumatica, ex.System);
        Assert.DoesNotContain("revoked-refresh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_stored_tokens_in_authorization_code_mode_means_the_tenant_needs_authorization()
    {
        _host.UseOAuthClient();

        var ex = await Assert.ThrowsAsync<AuthorizationRequiredException>(() =>
            _host.Get<IAcumaticaSource>().ReadPageAsync(Tenant(), EntityKind.Customer, null, 0, 10, _ct));

        Assert.Contains("consent", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_version_the_instance_does_not_offer_is_a_configuration_error_listing_the_offered_ones()
    {
        _host.UsePasswordGrant();
        var tenant = Tenant() with { Acumatica = Tenant().Acumatica with { EndpointVersion = "25.200.001" } };

        var ex = await Assert.ThrowsAsync<ConnectorConfigurationException>(() =>
            _host.Get<IAcumaticaSource>().ReadPageAsync(tenant, EntityKind.Customer, null, 0, 10, _ct));

        Assert.Equal("acumatica.endpointVersion", ex.Setting);
        Assert.Contains("Default/25.200.001", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Default/24.200.001", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'acme'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cookie_mode_signs_in_with_the_tenants_user_and_a_missing_password_names_the_secret()
    {
        var tenant = Tenant(AcumaticaSignIn.Cookie);
        _host.Secrets.Values[SecretNames.AcumaticaUserName("acme")] = FakeAcumatica.UserName;

        var missing = await Assert.ThrowsAsync<ConnectorConfigurationException>(() =>
            _host.Get<IAcumaticaSource>().ReadPageAsync(tenant, EntityKind.Customer, null, 0, 10, _ct));
        Assert.Equal("tenants:acme:acumatica:password", missing.Setting);

        _host.Secrets.Values[SecretNames.AcumaticaPassword("acme")] = FakeAcumatica.Password;
        var page = await _host.Get<IAcumaticaSource>().ReadPageAsync(tenant, EntityKind.Customer, null, 0, 10, _ct);

        Assert.Equal(2, page.Count);
        Assert.Empty(_acu.Grants);
        Assert.Contains(_acu.Server.LogEntries, e => e.RequestMessage!.Path.EndsWith("/entity/auth/logout", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _host.Dispose();
        _acu.Dispose();
    }
}
