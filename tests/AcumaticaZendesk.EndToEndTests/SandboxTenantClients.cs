using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Tickets;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// TEST DOUBLE of the connectors' per-tenant client construction: real clients against the sandbox with its demo
/// credentials (Acumatica OAuth password grant; a Zendesk client-credentials token kept in memory).
/// </summary>
internal sealed class SandboxTenantClients(IZendeskClientFactory zendeskFactory, IAcumaticaClientFactory acumaticaFactory) : ITenantClients
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ZendeskClient>>> zendesk = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IAcumaticaClient> acumatica = new(StringComparer.Ordinal);

    public Task<ZendeskClient> ZendeskAsync(TenantConfig tenant, CancellationToken cancellationToken) =>
        zendesk.GetOrAdd(tenant.Id, _ => new Lazy<Task<ZendeskClient>>(() => CreateZendeskAsync(tenant))).Value;

    public Task<IAcumaticaClient> AcumaticaAsync(TenantConfig tenant, CancellationToken cancellationToken) =>
        Task.FromResult(acumatica.GetOrAdd(tenant.Id, _ => acumaticaFactory.Create(
            new AcumaticaConnection(new Uri(tenant.Acumatica.InstanceUrl), tenant.Acumatica.EndpointName, tenant.Acumatica.EndpointVersion,
                tenant.Acumatica.Company, Acumatica.AcumaticaAuthMode.OAuthPassword),
            AcumaticaCredentials.ForPassword(
                new AcumaticaOAuthClient(DemoCredentials.AcumaticaClientId, DemoCredentials.AcumaticaClientSecret),
                new AcumaticaUserCredentials(DemoCredentials.AcumaticaUser, DemoCredentials.AcumaticaPassword)))));

    private async Task<ZendeskClient> CreateZendeskAsync(TenantConfig tenant)
    {
        var connection = new ZendeskConnection(tenant.Zendesk.Subdomain, tenant.Zendesk.EffectiveBaseUrl);
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(connection.Url("/oauth/tokens"), new
        {
            grant_type = "client_credentials",
            client_id = DemoCredentials.ZendeskClientId,
            client_secret = DemoCredentials.ZendeskClientSecret,
            scope = "read write",
        });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenAnswer>();
        var tokens = new InMemoryZendeskTokenSource();
        await tokens.SaveTokensAsync(connection, new ZendeskTokenSet(token!.AccessToken), CancellationToken.None);
        return zendeskFactory.Create(connection, tokens);
    }

    private sealed record TokenAnswer([property: JsonPropertyName("access_token")] string AccessToken);
}
