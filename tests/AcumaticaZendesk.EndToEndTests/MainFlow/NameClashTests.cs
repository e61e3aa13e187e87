using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.TenantSync;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>A record Zendesk refuses fails alone: it goes into the audit trail and the replay queue, the rest land.</summary>
public sealed class NameClashTests : MainFlowTestBase
{
    [Fact]
    public async Task A_rename_onto_another_organizations_name_fails_that_record_into_the_audit_trail_while_the_rest_land_and_lands_once_fixed()
    {
        await AddTenantAsync(SmallSeed("acme"));
        await RunAsync("acme");
        var names = AccountNames("acme");
        var before = OrganizationsByExternalId("acme");

        // C000002 takes C000001's name (Zendesk names are unique); C000003 and a new contact are harmless changes.
        Control.RenameAccount("acme", "C000002", names["C000001"]);
        Control.RenameAccount("acme", "C000003", "Harmless Rename Ltd");
        var contactId = Control.AddContact("acme", "C000004", "Lana", "Lands", "lana.lands@lands.example");

        var second = await RunAsync("acme");
        Assert.Equal(SyncRunOutcome.Succeeded, second.Outcome);
        Assert.Equal(1, second.Counts.Failed);

        var organizations = OrganizationsByExternalId("acme");
        Assert.Equal(names["C000002"], (string?)organizations["C000002"]["name"]);
        Assert.Equal(names["C000001"], (string?)organizations["C000001"]["name"]);
        Assert.Equal("Harmless Rename Ltd", (string?)organizations["C000003"]["name"]);
        Assert.Equal((long)organizations["C000004"]["id"]!, (long?)UsersByExternalId("acme")[$"acu-contact:{contactId}"]["organization_id"]);
        Assert.Equal(before.Count, organizations.Count);

        // The audit trail holds the failure with Zendesk's own error, and the record waits in the replay queue.
        var history = await Service<AuditTrail>().GetAsync("acme", EntityKind.Customer, "C000002", Token);
        var failed = Assert.Single(history!.Entries, e => e.RunId == second.RunId && e.Action == AuditAction.Failed);
        Assert.Equal(WriteErrorKind.DuplicateValue, failed.Error!.Kind);
        Assert.Contains("already been taken", failed.Error.Message, StringComparison.Ordinal);
        var queued = Assert.Single(await Service<FailedRecordQueue>().ListAsync("acme", Token));
        Assert.Equal((EntityKind.Customer, "C000002"), (queued.Kind, queued.Key));
        var run = await Service<RunStore>().GetAsync("acme", second.RunId, Token);
        Assert.Equal(RunStatus.CompletedWithFailures, run!.Status);

        // Fixed in Acumatica: the next run retries it from the queue and it lands.
        Control.RenameAccount("acme", "C000002", "Clash Resolved Ltd");
        var third = await RunAsync("acme");
        Assert.Equal(0, third.Counts.Failed);
        Assert.Equal("Clash Resolved Ltd", (string?)OrganizationsByExternalId("acme")["C000002"]["name"]);
        Assert.Empty(await Service<FailedRecordQueue>().ListAsync("acme", Token));
        history = await Service<AuditTrail>().GetAsync("acme", EntityKind.Customer, "C000002", Token);
        Assert.Contains(history!.Entries, e => e.RunId == third.RunId && e.Action == AuditAction.Updated);
    }
}
