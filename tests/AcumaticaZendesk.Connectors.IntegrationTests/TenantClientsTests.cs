using AcumaticaZendesk.Connectors.Egress;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

/// <summary><see cref="TenantClients"/>: the one gate to a tenant's systems.</summary>
public sealed class TenantClientsTests : IDisposable
{
    private readonly ConnectorHost _host = new();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TenantConfig _tenant = ConnectorHost.Tenant("https://erp.example.com/AcumaticaERP", "https://acme.zendesk.com");

    private TenantClients Clients => _host.Get<TenantClients>();

    [Fact]
    public async Task A_tenant_with_its_own_client_id_never_gets_the_shared_client_secret()
    {
        _host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = "shared-id";
        _host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk)] = "shared-secret";
        _host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Acumatica)] = "shared-acu-id";
        _host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Acumatica)] = "shared-acu-secret";
        _host.Secrets.Values[SecretNames.TenantOAuthClientId("acme", ConnectedSystem.Zendesk)] = "acme-public-client";
        _host.Secrets.Values[SecretNames.TenantOAuthClientId("acme", ConnectedSystem.Acumatica)] = "acme-acu-client";

        var zendesk = await Clients.ZendeskConsentAsync(_tenant, new Uri("https://connector.example.com/callback"), _ct);
        var (_, acumatica) = await Clients.AcumaticaConsentAsync(_tenant, _ct);

        Assert.Equal(("acme-public-client", null), (zendesk.OAuth!.ClientId, zendesk.OAuth.ClientSecret));
        Assert.Equal(("acme-acu-client", null), (acumatica.ClientId, acumatica.ClientSecret));
    }

    [Fact]
    public async Task A_tenant_without_its_own_client_uses_the_shared_pair()
    {
        _host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = "shared-id";
        _host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk)] = "shared-secret";

        var zendesk = await Clients.ZendeskConsentAsync(_tenant, new Uri("https://connector.example.com/callback"), _ct);

        Assert.Equal(("shared-id", "shared-secret"), (zendesk.OAuth!.ClientId, zendesk.OAuth.ClientSecret));
    }

    [Fact]
    public async Task Each_tenant_has_one_cached_client_per_system_until_its_settings_change_or_it_is_forgotten()
    {
        _host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = "shared-id";
        _host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Acumatica)] = "shared-acu-id";

        var zendesk = await Clients.ZendeskAsync(_tenant, _ct);
        var acumatica = await Clients.AcumaticaAsync(_tenant, _ct);
        Assert.Same(zendesk, await Clients.ZendeskAsync(_tenant, _ct));
        Assert.Same(acumatica, await Clients.AcumaticaAsync(_tenant, _ct));

        var moved = _tenant with { Zendesk = _tenant.Zendesk with { Subdomain = "acme2", BaseUrl = null } };
        Assert.NotSame(zendesk, await Clients.ZendeskAsync(moved, _ct));

        Clients.Forget("acme");
        Assert.NotSame(acumatica, await Clients.AcumaticaAsync(_tenant, _ct));
    }

    [Fact]
    public async Task Missing_credentials_name_the_secret_to_set()
    {
        var error = await Assert.ThrowsAsync<ConnectorConfigurationException>(
            () => Clients.AcumaticaAsync(_tenant with { Acumatica = _tenant.Acumatica with { AuthMode = AcumaticaSignIn.Cookie } }, _ct));

        Assert.Equal(SecretNames.AcumaticaUserName("acme"), error.Setting);
    }

    [Fact]
    public async Task A_destination_the_egress_policy_refuses_is_not_retried_by_either_client()
    {
        using var host = new ConnectorHost(new Dictionary<string, string?> { ["Acumatica:Client:MaxRetryAttempts"] = "3", ["Zendesk:MaxAttempts"] = "4" });
        host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = "shared-id";
        host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Acumatica)] = "shared-acu-id";
        var store = await host.Get<Credentials.TenantTokens>().GetStoreAsync(_ct);
        await store.SaveAsync(
            "acme",
            ConnectedSystem.Zendesk,
            new Sync.Credentials.TokenSet("at", "rt", DateTimeOffset.UtcNow.AddHours(1), null, "read write"),
            _ct);
        var tenant = ConnectorHost.Tenant("https://10.1.2.3/AcumaticaERP", "https://10.1.2.3");
        var clients = host.Get<TenantClients>();

        var zendesk = await Assert.ThrowsAnyAsync<HttpRequestException>(
            async () => await (await clients.ZendeskAsync(tenant, _ct)).Organizations.GetByExternalIdAsync("C1", _ct));
        var acumatica = await Assert.ThrowsAnyAsync<Exception>(async () => await (await clients.AcumaticaAsync(tenant, _ct)).GetEndpointsAsync(_ct));

        Assert.IsType<EgressRefusedException>(zendesk, exactMatch: false);
        Assert.Contains(Chain(acumatica), e => e is EgressRefusedException);
        Assert.DoesNotContain(
            host.Logs.Lines,
            l => l.Contains("retrying", StringComparison.OrdinalIgnoreCase) || l.Contains("OnRetry", StringComparison.Ordinal));
    }

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            yield return e;
    }

    public void Dispose() => _host.Dispose();
}
