using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Users and organizations Zendesk already holds under our external_ids while the connector's state does not know them.</summary>
public sealed class ExistingUsersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_linked_in_Zendesk_but_unknown_to_the_connector_s_state_is_updated_not_created_twice()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        var existing = h.Zendesk.AddHandMadeUser("A. Lee", "ann@initrode.example", externalId: "acu-contact:101");
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann@initrode.example", null));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Contact]);

        Assert.Equal((0, 1), (results.Created(), results.Updated()));
        Assert.Equal((existing.Id, "Ann Lee"), (Assert.Single(h.Zendesk.Users.Values).Id, existing.Name));
        Assert.Equal(0, h.Zendesk.IdentityAdds); // its e-mail is its primary already
    }

    [Fact]
    public async Task A_contact_joins_its_organization_found_in_Zendesk_when_the_connector_s_state_does_not_know_it()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        var organization = h.Zendesk.AddHandMadeOrganization("Initrode");
        organization.ExternalId = "C1";
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann@initrode.example", "C1"));

        await h.RunAsync("run-1", kinds: [EntityKind.Contact]);

        Assert.Equal(organization.Id, h.Zendesk.UserByExternalId("acu-contact:101").OrganizationId);
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "101", Ct);
        Assert.Equal((AuditAction.Created, null), (history!.Entries[0].Action, history.Entries[0].Detail));
    }

    [Fact]
    public async Task An_added_identity_is_audited_next_to_the_missing_organization()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann@initrode.example", "C9"));
        await h.RunAsync("run-1", kinds: [EntityKind.Contact]);
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann.lee@initrode.example", "C9", h.Time.GetUtcNow()));

        await h.RunAsync("run-2", kinds: [EntityKind.Contact]);

        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "101", Ct);
        Assert.Equal(
            (AuditAction.Updated, "organization 'C9' is not in Zendesk yet; user written without organization; e-mail identity added"),
            (history!.Entries[0].Action, history.Entries[0].Detail));
    }
}
