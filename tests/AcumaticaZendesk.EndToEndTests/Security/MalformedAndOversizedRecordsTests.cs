using AcumaticaZendesk.EndToEndTests.MainFlow;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.TenantSync;

namespace AcumaticaZendesk.EndToEndTests.Security;

/// <summary>
/// Hostile input from Acumatica: a page holding one malformed and one oversized record. Those two are refused on their
/// own (failed in the audit trail and the replay queue, with the reason), the rest of the page lands in Zendesk, and
/// once the records are readable again the next run brings them in.
/// </summary>
public sealed class MalformedAndOversizedRecordsTests : MainFlowTestBase
{
    [Fact]
    public async Task A_malformed_and_an_oversized_record_fail_alone_while_the_rest_of_their_page_lands_and_land_once_fixed()
    {
        await AddTenantAsync(SmallSeed("hostile"));
        Control.BreakAcumaticaRecord("hostile", "Customer", "C000003", AcumaticaRecordFault.WrongType);
        Control.BreakAcumaticaRecord("hostile", "Customer", "C000006", AcumaticaRecordFault.OversizedName);

        var first = await RunAsync("hostile");

        Assert.Equal(SyncRunOutcome.Succeeded, first.Outcome);
        Assert.Equal(2, first.Counts.Failed);
        var names = AccountNames("hostile");
        var organizations = Accounts();
        Assert.Equal(
            names.Keys.Except(["C000003", "C000006"]).Order(StringComparer.OrdinalIgnoreCase),
            organizations.Keys.Order(StringComparer.OrdinalIgnoreCase));
        Assert.All(organizations, o => Assert.Equal(names[o.Key], (string?)o.Value["name"]));
        Assert.Equal(Contacts("hostile").Count + 2, UsersByExternalId("hostile").Count); // every contact and employee

        var audit = Service<AuditTrail>();
        var malformed = Assert.Single((await audit.GetAsync("hostile", EntityKind.Customer, "C000003", Token))!.Entries, e => e.Action == AuditAction.Failed);
        Assert.Equal((WriteErrorKind.Unreadable, "MalformedRecord"), (malformed.Error!.Kind, malformed.Error.Code));
        Assert.Contains("CustomerName", malformed.Error.Message, StringComparison.Ordinal);
        var oversized = Assert.Single((await audit.GetAsync("hostile", EntityKind.Customer, "C000006", Token))!.Entries, e => e.Action == AuditAction.Failed);
        Assert.Equal((WriteErrorKind.Unreadable, "OversizedRecord"), (oversized.Error!.Kind, oversized.Error.Code));
        Assert.Contains("MaxRecordBytes", oversized.Error.Message, StringComparison.Ordinal);
        Assert.True(oversized.Error.Message.Length < 1_000);
        var queued = await Service<FailedRecordQueue>().ListAsync("hostile", Token);
        Assert.Equal(["C000003", "C000006"], queued.Select(f => f.Key).Order(StringComparer.Ordinal));
        var run = await Service<RunStore>().GetAsync("hostile", first.RunId, Token);
        Assert.Equal(RunStatus.CompletedWithFailures, run!.Status);

        // Readable again (their LastModifiedDateTime does not move): the next run replays them from the queue.
        Control.FixAcumaticaRecord("hostile", "Customer", "C000003");
        Control.FixAcumaticaRecord("hostile", "Customer", "C000006");
        var second = await RunAsync("hostile");

        Assert.Equal(0, second.Counts.Failed);
        organizations = Accounts();
        Assert.Equal(names.Keys.Order(StringComparer.OrdinalIgnoreCase), organizations.Keys.Order(StringComparer.OrdinalIgnoreCase));
        Assert.Equal(names["C000006"], (string?)organizations["C000006"]["name"]);
        Assert.Empty(await Service<FailedRecordQueue>().ListAsync("hostile", Token));
        var history = await audit.GetAsync("hostile", EntityKind.Customer, "C000003", Token);
        Assert.Contains(history!.Entries, e => e.RunId == second.RunId && e.Action == AuditAction.Created);
        Assert.Contains(history.Entries, e => e.RunId == second.RunId && e.Action == AuditAction.Replayed);
    }

    /// <summary>Organizations of business accounts (the employees' company organization left out).</summary>
    private Dictionary<string, System.Text.Json.Nodes.JsonNode> Accounts() =>
        OrganizationsByExternalId("hostile").Where(o => !o.Key.StartsWith("acu-company:", StringComparison.Ordinal))
            .ToDictionary(o => o.Key, o => o.Value, StringComparer.OrdinalIgnoreCase);
}
