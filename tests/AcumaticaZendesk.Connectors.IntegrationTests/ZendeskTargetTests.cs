using System.Text;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

public sealed class ZendeskTargetTests : IDisposable
{
    private readonly FakeZendesk _zd = new();
    private readonly ConnectorHost _host = new(
        new Dictionary<string, string?> { ["Zendesk:JobPollInterval"] = "00:00:00.005", ["Zendesk:JobPollMaxInterval"] = "00:00:00.010" });
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TenantConfig _tenant;

    public ZendeskTargetTests()
    {
        _tenant = ConnectorHost.Tenant("http://127.0.0.1:1/AcumaticaERP", _zd.BaseUrl);
        _host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = FakeZendesk.ClientId;
        _host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk)] = FakeZendesk.ClientSecret;
    }

    private IZendeskTarget Target => _host.Get<IZendeskTarget>();

    private async Task AuthorizeAsync(string access = "zd-consent-access", DateTimeOffset? expiresAt = null, string? refresh = "zd-consent-refresh")
    {
        _zd.AcceptAccessToken(access);
        if (refresh is not null)
            _zd.AcceptRefreshToken(refresh);
        var store = await _host.Get<TenantTokens>().GetStoreAsync(_ct);
        await store.SaveAsync(
            "acme",
            ConnectedSystem.Zendesk,
            new TokenSet(access, refresh, expiresAt ?? DateTimeOffset.UtcNow.AddHours(1), null, "read write"),
            _ct);
    }

    private static OrganizationPayload Org(string ext, string name) => new() { ExternalId = ext, Name = name, Tags = ["acumatica", "acu_customer"] };

    private static UserWrite User(string ext, string name, string email, long? org = null) => new(null, Payload(ext, name, email, org));

    private static UserPayload Payload(string ext, string name, string email, long? org = null) =>
        new() { ExternalId = ext, Name = name, Email = email, Role = "end-user", OrganizationId = org, Tags = ["acumatica"] };

    [Fact]
    public async Task Organizations_are_created_in_a_create_many_job_and_a_name_clash_fails_only_that_record()
    {
        await AuthorizeAsync();
        _zd.AddOrganization("Fabrikam Labs"); // hand-made, no external_id

        var results = await Target.CreateOrganizationsAsync(_tenant, [Org("C1", "Contoso"), Org("C2", "Fabrikam Labs"), Org("C3", "Northwind")], _ct);

        Assert.Equal([0, 1, 2], results.Select(r => r.Index));
        Assert.True(results[0].Success);
        Assert.True(results[2].Success);
        var clash = Assert.IsType<WriteError>(results[1].Error);
        Assert.Equal((WriteErrorKind.DuplicateValue, "DuplicateValue"), (clash.Kind, clash.Code));
        Assert.Contains("has already been taken", clash.Message, StringComparison.Ordinal);
        Assert.Equal(["organizations.create_many"], _zd.Writes);
        Assert.Equal(
            ["acumatica", "acu_customer"],
            _zd.Organizations.Single(o => o["external_id"]?.ToString() == "C1")["tags"]!.AsArray().Select(t => t!.ToString()));
    }

    [Fact]
    public async Task Organizations_are_found_by_external_id_case_insensitively_and_by_name_and_updated_in_an_update_many_job()
    {
        await AuthorizeAsync();
        var created = await Target.CreateOrganizationsAsync(_tenant, [Org("C000000101", "Contoso")], _ct);
        _zd.AddOrganization("Hand Made Inc");

        var byExt = await Target.FindOrganizationsByExternalIdsAsync(_tenant, ["c000000101", "C404"], _ct);
        var byName = await Target.FindOrganizationsByNamesAsync(_tenant, ["hand made inc", "Nobody"], _ct);
        var updated = await Target.UpdateOrganizationsAsync(
            _tenant,
            [new OrganizationUpdate(created[0].Id!.Value, Org("C000000101", "Contoso Pharmacy") with { Notes = "VIP" })],
            _ct);

        Assert.Equal(created[0].Id, Assert.Single(byExt).Id);
        var handMade = Assert.Single(byName);
        Assert.Equal(("Hand Made Inc", null), (handMade.Name, handMade.ExternalId));
        Assert.True(Assert.Single(updated).Success);
        var stored = _zd.Organizations.Single(o => o["id"]!.GetValue<long>() == created[0].Id);
        Assert.Equal(("Contoso Pharmacy", "VIP"), (stored["name"]!.ToString(), stored["notes"]!.ToString()));
        Assert.Equal(["organizations.create_many", "organizations.update_many"], _zd.Writes);
    }

    [Fact]
    public async Task The_accounts_organizations_and_users_are_listed_through_cursor_pages_and_a_user_limit_stops_early()
    {
        await AuthorizeAsync();
        for (var i = 0; i < 150; i++)
            _zd.AddOrganization($"Org {i:000}", i % 2 == 0 ? $"ext-{i}" : null);
        await Target.CreateOrUpdateUsersAsync(
            _tenant,
            [User("acu-contact:1", "Maria Lopez", "maria@contoso.example"), User("acu-contact:2", "Ken Ito", "ken@contoso.example")],
            _ct);

        var organizations = await Target.ListOrganizationsAsync(_tenant, _ct);
        var users = await Target.ListUsersAsync(_tenant, limit: 2, _ct);
        var tooMany = await Target.ListUsersAsync(_tenant, limit: 1, _ct);

        Assert.Equal(150, organizations.Count);
        Assert.Equal(75, organizations.Count(o => o.ExternalId is null));
        Assert.Equal("Org 149", organizations[149].Name);
        Assert.Equal(["ken@contoso.example", "maria@contoso.example"], users!.Select(u => u.Email).Order());
        Assert.Null(tooMany);
        Assert.Equal(["organizations.list", "organizations.list", "users.list", "users.list"], _zd.Lists);
    }

    [Fact]
    public async Task Users_are_written_with_create_or_update_many_and_an_update_never_sends_the_email()
    {
        await AuthorizeAsync();
        var created = await Target.CreateOrUpdateUsersAsync(
            _tenant,
            [User("acu-contact:1", "Maria Lopez", "maria@contoso.example"), User("acu-contact:2", "Ken Ito", "ken@contoso.example")],
            _ct);
        var id = created[0].Id!.Value;

        var updated = await Target.CreateOrUpdateUsersAsync(
            _tenant,
            [new UserWrite(id, Payload("acu-contact:1", "Maria Lopez-Ruiz", "maria.new@contoso.example"))],
            _ct);
        var found = await Target.FindUsersByExternalIdsAsync(_tenant, ["ACU-CONTACT:1", "acu-contact:2"], _ct);
        var byEmail = await Target.FindUsersByEmailsAsync(_tenant, ["ken@contoso.example", "nobody@contoso.example"], _ct);

        Assert.All(created, r => Assert.True(r.Success));
        Assert.Equal(id, Assert.Single(updated).Id);
        Assert.Equal(["users.create_or_update_many", "users.create_or_update_many"], _zd.Writes);
        var maria = found.Single(u => u.Id == id);
        Assert.Equal(("Maria Lopez-Ruiz", "maria@contoso.example"), (maria.Name, maria.Email)); // no identity added by the update
        Assert.Equal(created[1].Id, Assert.Single(byEmail).Id);
    }

    [Fact]
    public async Task When_bulk_user_import_is_refused_users_go_through_single_calls()
    {
        await AuthorizeAsync();
        _zd.BulkUserImportRefused = true;

        var results = await Target.CreateOrUpdateUsersAsync(
            _tenant,
            [User("acu-contact:1", "Maria Lopez", "maria@contoso.example"), User("acu-contact:2", "Ken Ito", "ken@contoso.example")],
            _ct);

        Assert.All(results, r => Assert.True(r.Success));
        Assert.Equal(["users.create_or_update", "users.create_or_update"], _zd.Writes);
        Assert.Equal(2, _zd.Users.Count);
    }

    [Fact]
    public async Task A_new_email_is_added_as_a_secondary_identity_or_made_primary_when_asked()
    {
        await AuthorizeAsync();
        var id = (await Target.CreateOrUpdateUsersAsync(_tenant, [User("acu-contact:1", "Maria", "maria@contoso.example")], _ct))[0].Id!.Value;

        var secondary = await Target.AddEmailIdentityAsync(_tenant, id, "maria@fabrikam.example", makePrimary: false, _ct);
        Assert.True(secondary.Success);
        Assert.Equal("maria@contoso.example", (await Target.FindUsersByExternalIdsAsync(_tenant, ["acu-contact:1"], _ct))[0].Email);

        var primary = await Target.AddEmailIdentityAsync(_tenant, id, "maria@northwind.example", makePrimary: true, _ct);
        Assert.True(primary.Success);
        Assert.Equal("maria@northwind.example", (await Target.FindUsersByExternalIdsAsync(_tenant, ["acu-contact:1"], _ct))[0].Email);

        var again = await Target.AddEmailIdentityAsync(_tenant, id, "maria@fabrikam.example", makePrimary: false, _ct);
        Assert.True(again.Success);
        Assert.Equal(2, _zd.Writes.Count(w => w == "users.identities.create"));
    }

    [Fact]
    public async Task An_email_of_another_user_fails_the_identity_as_a_duplicate()
    {
        await AuthorizeAsync();
        var ids = await Target.CreateOrUpdateUsersAsync(
            _tenant,
            [User("acu-contact:1", "Maria", "maria@contoso.example"), User("acu-contact:2", "Ken", "ken@contoso.example")],
            _ct);

        var result = await Target.AddEmailIdentityAsync(_tenant, ids[0].Id!.Value, "ken@contoso.example", makePrimary: false, _ct);

        Assert.False(result.Success);
        Assert.Equal(WriteErrorKind.DuplicateValue, result.Error!.Kind);
    }

    [Fact]
    public async Task An_expiring_token_is_refreshed_and_the_rotated_tokens_are_stored_encrypted()
    {
        await AuthorizeAsync(expiresAt: DateTimeOffset.UtcNow.AddSeconds(30));

        await Target.FindOrganizationsByExternalIdsAsync(_tenant, ["C1"], _ct);

        var store = await _host.Get<TenantTokens>().GetStoreAsync(_ct);
        var stored = await store.GetAsync("acme", ConnectedSystem.Zendesk, _ct);
        Assert.Equal((FakeZendesk.Access(1), FakeZendesk.Refresh(1)), (stored!.AccessToken, stored.RefreshToken));
        var raw = Encoding.UTF8.GetString(_host.State.GetRaw(StateKeys.Tokens("acme", ConnectedSystem.Zendesk))!);
        Assert.DoesNotContain(FakeZendesk.Access(1), raw, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeZendesk.Refresh(1), raw, StringComparison.Ordinal);
        _host.Logs.AssertNoneContains(FakeZendesk.Access(1), FakeZendesk.Refresh(1), "zd-consent-refresh", "zd-consent-access", FakeZendesk.ClientSecret);
    }

    [Fact]
    public async Task A_rejected_token_that_cannot_be_refreshed_means_the_tenant_needs_authorization()
    {
        var store = await _host.Get<TenantTokens>().GetStoreAsync(_ct);
        await store.SaveAsync(
            "acme",
            ConnectedSystem.Zendesk,
            new TokenSet("zd-revoked-access", "zd-revoked-refresh", DateTimeOffset.UtcNow.AddHours(1), null, null),
            _ct);

        var ex = await Assert.ThrowsAsync<AuthorizationRequiredException>(() => Target.FindUsersByExternalIdsAsync(_tenant, ["acu-contact:1"], _ct));

        Assert.Equal(ConnectedSystem.Zendesk, ex.System);
        Assert.DoesNotContain("zd-revoked", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_never_authorized_for_zendesk_needs_authorization()
    {
        var ex = await Assert.ThrowsAsync<AuthorizationRequiredException>(() => Target.CreateOrganizationsAsync(_tenant, [Org("C1", "Contoso")], _ct));

        Assert.Equal(ConnectedSystem.Zendesk, ex.System);
        Assert.Empty(_zd.Writes);
    }

    [Fact]
    public async Task With_client_credentials_on_a_tenant_without_tokens_gets_one_and_renews_it_before_it_expires()
    {
        // The token's end comes near by rewriting its expiry in the store (no clock to move here), which a client reads
        // only after its token cache time: none here.
        using var host = new ConnectorHost(
            new Dictionary<string, string?> { ["Connectors:ZendeskClientCredentials"] = "true", ["Zendesk:TokenCacheTime"] = "00:00:00" });
        host.Secrets.Values[SecretNames.TenantOAuthClientId("acme", ConnectedSystem.Zendesk)] = FakeZendesk.ClientId;
        host.Secrets.Values[SecretNames.TenantOAuthClientSecret("acme", ConnectedSystem.Zendesk)] = FakeZendesk.ClientSecret;
        var target = host.Get<IZendeskTarget>();

        await target.FindOrganizationsByExternalIdsAsync(_tenant, ["C1"], _ct);
        await target.FindOrganizationsByExternalIdsAsync(_tenant, ["C2"], _ct);
        Assert.Equal(["client_credentials"], _zd.Grants);
        var store = await host.Get<TenantTokens>().GetStoreAsync(_ct);
        Assert.Equal(FakeZendesk.Access(1), (await store.GetAsync("acme", ConnectedSystem.Zendesk, _ct))!.AccessToken);
        Assert.DoesNotContain(
            FakeZendesk.Access(1),
            Encoding.UTF8.GetString(host.State.GetRaw(StateKeys.Tokens("acme", ConnectedSystem.Zendesk))!),
            StringComparison.Ordinal);

        // A token without a refresh token that is about to expire is replaced by a new grant.
        await store.SaveAsync(
            "acme",
            ConnectedSystem.Zendesk,
            new TokenSet(FakeZendesk.Access(1), null, DateTimeOffset.UtcNow.AddSeconds(30), null, "read write"),
            _ct);
        await target.FindOrganizationsByExternalIdsAsync(_tenant, ["C3"], _ct);
        Assert.Equal(["client_credentials", "client_credentials"], _zd.Grants);
        Assert.Equal(FakeZendesk.Access(2), (await store.GetAsync("acme", ConnectedSystem.Zendesk, _ct))!.AccessToken);
    }

    [Fact]
    public async Task With_client_credentials_a_token_rejected_before_its_time_is_replaced_by_a_new_grant()
    {
        using var host = new ConnectorHost(new Dictionary<string, string?> { ["Connectors:ZendeskClientCredentials"] = "true" });
        host.Secrets.Values[SecretNames.TenantOAuthClientId("acme", ConnectedSystem.Zendesk)] = FakeZendesk.ClientId;
        host.Secrets.Values[SecretNames.TenantOAuthClientSecret("acme", ConnectedSystem.Zendesk)] = FakeZendesk.ClientSecret;
        var store = await host.Get<TenantTokens>().GetStoreAsync(_ct);

        // Valid for another 25 minutes by its own account, but Zendesk no longer knows it (revoked, or ended early).
        await store.SaveAsync(
            "acme",
            ConnectedSystem.Zendesk,
            new TokenSet("zd-access-revoked-0000", null, DateTimeOffset.UtcNow.AddMinutes(25), null, "read write"),
            _ct);
        await host.Get<IZendeskTarget>().FindOrganizationsByExternalIdsAsync(_tenant, ["C1"], _ct);

        Assert.Equal(["client_credentials"], _zd.Grants);
        Assert.Equal(FakeZendesk.Access(1), (await store.GetAsync("acme", ConnectedSystem.Zendesk, _ct))!.AccessToken);
    }

    [Fact]
    public async Task A_refused_client_credentials_grant_means_the_tenant_needs_authorization()
    {
        using var host = new ConnectorHost(new Dictionary<string, string?> { ["Connectors:ZendeskClientCredentials"] = "true" });
        host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = FakeZendesk.ClientId;
        host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk)] = "wrong-secret";

        var ex = await Assert.ThrowsAsync<AuthorizationRequiredException>(
            () => host.Get<IZendeskTarget>().FindOrganizationsByExternalIdsAsync(_tenant, ["C1"], _ct));

        Assert.Equal(ConnectedSystem.Zendesk, ex.System);
        Assert.Contains("invalid_client", ex.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_credentials_grant_answered_with_a_server_error_is_transient_not_a_missing_authorization()
    {
        using var host = new ConnectorHost(new Dictionary<string, string?> { ["Connectors:ZendeskClientCredentials"] = "true" });
        host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = FakeZendesk.ClientId;
        host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk)] = FakeZendesk.ClientSecret;
        _zd.Server.Given(Request.Create().WithPath($"{FakeZendesk.BasePath}/oauth/tokens").UsingPost()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(502).WithBodyAsJson(new { error = "InternalServerError", description = "upstream failed" }));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.Get<IZendeskTarget>().FindOrganizationsByExternalIdsAsync(_tenant, ["C1"], _ct));

        Assert.IsNotType<AuthorizationRequiredException>(ex);
    }

    public void Dispose()
    {
        _host.Dispose();
        _zd.Dispose();
    }
}
