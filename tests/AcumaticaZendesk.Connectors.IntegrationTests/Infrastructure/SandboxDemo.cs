using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;

/// <summary>
/// The demo tenant of <c>make run</c> against the in-process sandbox (<c>--seed demo</c>): the same settings and secret
/// names the worker's seed uses, so the tests that use it prove the demo configuration.
/// </summary>
internal static class SandboxDemo
{
    /// <summary>The demo tenant as the worker's seed holds it (docs/connectors.md); <see cref="SaveTenantAsync"/> swaps in the sandbox's port.</summary>
    private const string Seed = """
        [
          {
            "id": "demo",
            "displayName": "Demo Company",
            "acumatica": {
              "instanceUrl": "http://127.0.0.1:5080/acumatica/demo",
              "endpointName": "Default",
              "endpointVersion": "24.200.001",
              "company": "Company",
              "authMode": "oauth"
            },
            "zendesk": { "subdomain": "demo", "baseUrl": "http://127.0.0.1:5080/zendesk/demo" },
            "entityKinds": ["customer", "vendor", "contact", "employee"],
            "onboarding": "adopt"
          }
        ]
        """;

    /// <summary>
    /// The connectors with the demo's secrets (the sandbox's demo OAuth clients and integration user) for
    /// <paramref name="tenantId"/>; Zendesk by client credentials unless <paramref name="zendeskClientCredentials"/> is false
    /// (then a tenant needs an operator's consent, as in production).
    /// </summary>
    public static ConnectorHost Host(Action<IServiceCollection>? configure = null, string tenantId = "demo", bool zendeskClientCredentials = true)
    {
        var host = new ConnectorHost(
            new Dictionary<string, string?>
            {
                ["Connectors:ZendeskClientCredentials"] = zendeskClientCredentials ? "true" : "false",
                ["Zendesk:JobPollInterval"] = "00:00:00.050",
                ["Zendesk:JobPollMaxInterval"] = "00:00:00.200",
            },
            configure);
        host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Acumatica)] = DemoCredentials.AcumaticaClientId;
        host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Acumatica)] = DemoCredentials.AcumaticaClientSecret;
        host.Secrets.Values[SecretNames.AcumaticaUserName(tenantId)] = DemoCredentials.AcumaticaUser;
        host.Secrets.Values[SecretNames.AcumaticaPassword(tenantId)] = DemoCredentials.AcumaticaPassword;
        host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = DemoCredentials.ZendeskClientId;
        host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk)] = DemoCredentials.ZendeskClientSecret;
        return host;
    }

    /// <summary>Saves the demo tenant pointed at <paramref name="sandbox"/>; <paramref name="authMode"/> replaces the seed's OAuth sign-in.</summary>
    public static async Task<TenantConfig> SaveTenantAsync(
        ConnectorHost host, SandboxHost sandbox, CancellationToken cancellationToken, AcumaticaSignIn authMode = AcumaticaSignIn.Oauth)
    {
        var sandboxRoot = sandbox.ZendeskUrl("demo").GetLeftPart(UriPartial.Authority);
        var seeded = Assert.Single(TenantRepository.ParseSeed(Seed.Replace("http://127.0.0.1:5080", sandboxRoot, StringComparison.Ordinal)));
        var tenant = seeded with { Acumatica = seeded.Acumatica with { AuthMode = authMode } };
        await host.Get<TenantRepository>().SaveAsync(tenant, cancellationToken);
        return tenant;
    }
}
