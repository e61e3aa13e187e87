using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>A row Acumatica returned unreadable fails on its own; the rest of its page and the pages after it land.</summary>
public sealed class RefusedRecordTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static RefusedAcumaticaRecord Refused(EntityKind kind, string key, string code, DateTimeOffset? modified = null) => new()
    {
        Kind = kind,
        Key = key,
        LastModifiedDateTime = modified ?? DateTimeOffset.MinValue,
        Code = code,
        Reason = $"the {kind} record is malformed at $.CustomerName.value",
    };

    [Fact]
    public async Task A_refused_row_is_audited_as_failed_and_queued_while_the_rest_of_the_page_and_the_next_pages_land()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C1", "Initrode", T0));
        h.Source.Upsert(Refused(EntityKind.Customer, "C2", "MalformedRecord", T0.AddMinutes(1)));
        h.Source.Upsert(Customer("C3", "Hooli", T0.AddMinutes(2)));
        h.Source.Upsert(Refused(EntityKind.Customer, "row-3", "MissingKey"));
        h.Source.Upsert(Customer("C5", "Globex", T0.AddMinutes(3)));
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann@initrode.example", "C1", T0));
        h.Source.Upsert(Refused(EntityKind.Contact, "102", "OversizedRecord", T0));

        var results = await h.RunAsync("run-1", pageSize: 2, kinds: [EntityKind.Customer, EntityKind.Contact]);

        Assert.Equal(["C1", "C3", "C5"], h.Zendesk.Organizations.Values.Select(o => o.ExternalId).Order());
        Assert.Equal("acu-contact:101", Assert.Single(h.Zendesk.Users.Values).ExternalId);
        Assert.Equal(3, results.Sum(r => r.Counts.Failed));
        var queued = await h.Failed.ListAsync(h.Tenant.Id, None);
        Assert.Equal(["C2", "row-3", "102"], queued.OrderBy(f => f.Kind).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key));
        Assert.All(queued, f => Assert.Equal(WriteErrorKind.Unreadable, f.Error.Kind));
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C2", None);
        var failed = history!.Entries[0];
        Assert.Equal(AuditAction.Failed, failed.Action);
        Assert.Equal("MalformedRecord", failed.Error!.Code);
        Assert.Contains("Acumatica returned Customer 'C2' unreadable, nothing was written", failed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("$.CustomerName.value", failed.Error.Message, StringComparison.Ordinal);
        Assert.Equal(T0.AddMinutes(1), history.Entries.Single(e => e.Action == AuditAction.Seen).SourceModifiedAt);
        var undated = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "row-3", None);
        Assert.Null(undated!.Entries.Single(e => e.Action == AuditAction.Seen).SourceModifiedAt);

        // The watermark moved past the readable records; a refused row without a date never moves it.
        var (checkpoint, _) = await h.Checkpoints.GetAsync(h.Tenant.Id, EntityKind.Customer, None);
        Assert.True(checkpoint!.InitialLoadCompleted);
        Assert.True(checkpoint.Watermark > T0);

        // The records are fixed in Acumatica (the row without key turns out to be C5's twin that no longer exists):
        // the next run replays the queue and brings C2 and the contact in; nothing is written twice.
        h.Source.Upsert(Customer("C2", "Globex East", T0.AddMinutes(1)));
        h.Source.Remove(EntityKind.Customer, "row-3");
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", "C1", T0));
        h.Time.Advance(TimeSpan.FromMinutes(15));
        var writes = h.Zendesk.Writes;

        await h.RunAsync("run-2", pageSize: 2, kinds: [EntityKind.Customer, EntityKind.Contact]);

        Assert.Equal(["C1", "C2", "C3", "C5"], h.Zendesk.Organizations.Values.Select(o => o.ExternalId).Order());
        Assert.Equal(2, h.Zendesk.Users.Count);
        Assert.Empty(await h.Failed.ListAsync(h.Tenant.Id, None));
        Assert.Equal(AuditAction.Created, (await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C2", None))!.Entries[0].Action);
        Assert.Equal(AuditAction.Skipped, (await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "row-3", None))!.Entries[0].Action);
        Assert.True(h.Zendesk.Writes > writes);
    }

    [Fact]
    public async Task A_record_still_unreadable_on_replay_stays_queued_with_one_more_attempt()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C1", "Initrode", T0));
        h.Source.Upsert(Refused(EntityKind.Customer, "C2", "MalformedRecord", T0));
        await h.RunAsync("run-1", kinds: [EntityKind.Customer]);
        h.Time.Advance(TimeSpan.FromMinutes(15));

        await h.RunAsync("run-2", kinds: [EntityKind.Customer]);

        var queued = Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, None));
        Assert.Equal(("C2", 2), (queued.Key, queued.Attempts));
        Assert.Single(h.Zendesk.Organizations);
    }

    [Fact]
    public async Task Contacts_of_an_account_that_was_unreadable_are_linked_once_the_next_run_brings_the_account_in()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Refused(EntityKind.Customer, "C2", "MalformedRecord", T0));
        h.Source.Upsert(Contact("201", "Cy", "Dunn", "cy@globex.example", "C2", T0));
        h.Source.Upsert(Contact("202", "Di", "Eng", "di@globex.example", "C2", T0));
        await h.RunAsync("run-1", kinds: [EntityKind.Customer, EntityKind.Contact]);
        Assert.All(h.Zendesk.Users.Values, u => Assert.Null(u.OrganizationId));

        // Fixed in Acumatica; the contacts did not change, so only the queue replay of the account can link them.
        h.Source.Upsert(Customer("C2", "Globex", T0));
        h.Time.Advance(TimeSpan.FromMinutes(15));
        await h.RunAsync("run-2", kinds: [EntityKind.Customer, EntityKind.Contact]);

        var organization = h.Zendesk.OrgByExternalId("C2").Id;
        Assert.Equal(organization, h.Zendesk.UserByExternalId("acu-contact:201").OrganizationId);
        Assert.Equal(organization, h.Zendesk.UserByExternalId("acu-contact:202").OrganizationId);
        Assert.Empty(await h.Failed.ListAsync(h.Tenant.Id, None));
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "201", None);
        Assert.Equal(
            [AuditAction.Updated, AuditAction.Mapped, AuditAction.Seen, AuditAction.Replayed],
            history!.Entries.Where(e => e.RunId == "run-2").Select(e => e.Action));
    }
}
