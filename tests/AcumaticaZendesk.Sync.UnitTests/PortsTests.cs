using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>What the core promises the hosts: the secret names operators create (docs/connectors.md) and the stage order of a run.</summary>
public sealed class PortsTests
{
    [Fact]
    public void Secret_names_are_the_ones_the_docs_tell_operators_to_create() =>
        Assert.Equal(
            [
                "oauth:zendesk:client-id", "oauth:acumatica:client-secret",
                "tenants:acme:acumatica:client-id", "tenants:acme:zendesk:client-secret",
                "tenants:acme:acumatica:username", "tenants:acme:acumatica:password",
                "tenants:acme:acumatica:push-secret", "tenants:acme:zendesk:webhook-signing-secret",
            ],
            [
                SecretNames.OAuthClientId(ConnectedSystem.Zendesk), SecretNames.OAuthClientSecret(ConnectedSystem.Acumatica),
                SecretNames.TenantOAuthClientId("acme", ConnectedSystem.Acumatica), SecretNames.TenantOAuthClientSecret("acme", ConnectedSystem.Zendesk),
                SecretNames.AcumaticaUserName("acme"), SecretNames.AcumaticaPassword("acme"),
                SecretNames.AcumaticaPushSecret("acme"), SecretNames.WebhookSigningSecret("acme"),
            ]);

    [Fact]
    public void A_run_reads_customers_first_then_employees_and_vendors_side_by_side_then_contacts()
    {
        EntityKind[] Ready(EntityKind[] finished, params EntityKind[] running) => [.. SyncStages.Ready(finished, running)];

        Assert.Equal([EntityKind.Customer], Ready([]));
        Assert.Empty(Ready([], EntityKind.Customer));
        Assert.Equal([EntityKind.Employee, EntityKind.Vendor], Ready([EntityKind.Customer]));
        Assert.Equal([EntityKind.Vendor], Ready([EntityKind.Customer], EntityKind.Employee));
        Assert.Empty(Ready([EntityKind.Customer, EntityKind.Employee], EntityKind.Vendor));
        Assert.Equal([EntityKind.Contact], Ready([EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor]));
        Assert.Empty(Ready([EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor, EntityKind.Contact]));
    }

    [Fact]
    public void An_authorization_refusal_names_the_system_and_the_reason() =>
        Assert.Equal(
            "Acumatica needs a new authorization: refresh token expired",
            new AuthorizationRequiredException(ConnectedSystem.Acumatica, "refresh token expired").Message);
}
