using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.TenantSync;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>Changes made in Acumatica after the initial load (LastModifiedDateTime moves) arrive on the next run.</summary>
public sealed class IncrementalChangesTests : MainFlowTestBase
{
    [Fact]
    public async Task Renames_new_contacts_and_changed_emails_arrive_on_the_next_run_and_a_changed_email_is_a_secondary_identity()
    {
        await AddTenantAsync(SmallSeed("acme"));
        var first = await RunAsync("acme");
        Assert.Equal(SyncRunOutcome.Succeeded, first.Outcome);
        var organizationsBefore = OrganizationsByExternalId("acme");
        var usersBefore = UsersByExternalId("acme");

        // In Acumatica: a customer and a customer-vendor are renamed, a vendor gets a new contact, a contact's e-mail changes.
        Control.RenameAccount("acme", "C000001", "Renamed Customer Ltd");
        Control.RenameAccount("acme", "CV00001", "Renamed Both Ways Inc");
        var newContactId = Control.AddContact("acme", "V000001", "Nora", "Newcomer", "nora.newcomer@newcomer.example");
        var (changedContactId, (oldEmail, _)) = Contacts("acme").First(c => c.Value.Account == "C000002");
        Control.ChangeEmail("acme", "Contact", changedContactId.ToString(System.Globalization.CultureInfo.InvariantCulture), "changed.address@moved.example");

        var second = await RunAsync("acme");
        Assert.Equal(SyncRunOutcome.Succeeded, second.Outcome);
        Assert.Equal(0, second.Counts.Failed);
        Assert.Equal(1, second.Counts.Created);

        // Renames: the same organizations, new names.
        var organizations = OrganizationsByExternalId("acme");
        Assert.Equal(organizationsBefore.Count, organizations.Count);
        Assert.Equal("Renamed Customer Ltd", (string?)organizations["C000001"]["name"]);
        Assert.Equal("Renamed Both Ways Inc", (string?)organizations["CV00001"]["name"]);
        Assert.Equal((long)organizationsBefore["C000001"]["id"]!, (long)organizations["C000001"]["id"]!);
        Assert.Equal((long)organizationsBefore["CV00001"]["id"]!, (long)organizations["CV00001"]["id"]!);

        // The new contact: one new user, in its vendor's organization.
        var users = UsersByExternalId("acme");
        Assert.Equal(usersBefore.Count + 1, users.Count);
        var newcomer = users[$"acu-contact:{newContactId}"];
        Assert.Equal("nora.newcomer@newcomer.example", (string?)newcomer["email"]);
        Assert.Equal((long)organizations["V000001"]["id"]!, (long?)newcomer["organization_id"]);

        // The changed e-mail: the same user, the old address still primary, the new one added as a secondary identity.
        var changed = users[$"acu-contact:{changedContactId}"];
        var changedId = (long)changed["id"]!;
        Assert.Equal((long)usersBefore[$"acu-contact:{changedContactId}"]["id"]!, changedId);
        Assert.Equal(oldEmail, (string?)changed["email"], StringComparer.OrdinalIgnoreCase);
        var identities = Control.Identities("acme", changedId).Where(i => (string?)i!["type"] == "email")
            .ToDictionary(i => ((string)i!["value"]!).ToLowerInvariant(), i => (bool)i!["primary"]!);
        Assert.Equal(2, identities.Count);
        Assert.True(identities[oldEmail.ToLowerInvariant()]);
        Assert.False(identities["changed.address@moved.example"]);
        Assert.Single(Control.Users("acme"), u => (string?)u!["email"] == oldEmail || (long)u!["id"]! == changedId);

        // The audit trail says what happened to it.
        var history = await Service<AuditTrail>().GetAsync(
            "acme",
            EntityKind.Contact,
            changedContactId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Token);
        var latest = history!.Entries.First(e => e.RunId == second.RunId && e.Action == AuditAction.Updated);
        Assert.Contains("e-mail identity added", latest.Detail, StringComparison.Ordinal);

        // Nothing else moved: a third run writes nothing.
        Control.Requests.Clear();
        var third = await RunAsync("acme");
        Assert.Equal(0, third.Counts.Created + third.Counts.Updated + third.Counts.Failed);
        Assert.Empty(ZendeskWrites());
    }
}
