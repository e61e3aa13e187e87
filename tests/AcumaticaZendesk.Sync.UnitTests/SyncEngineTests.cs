using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Logging;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class SyncEngineTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<EngineHarness> SeededAsync(TenantConfig? tenant = null)
    {
        var h = new EngineHarness(tenant);
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C1", "Initrode", T0, "info@initrode.example"));
        h.Source.Upsert(Customer("C2", "Globex", T0.AddMinutes(1)));
        h.Source.Upsert(Customer("C3", "Hooli", T0.AddMinutes(2)));
        h.Source.Upsert(Vendor("C2", "Globex", T0.AddMinutes(3)));
        h.Source.Upsert(Vendor("V1", "Soylent", T0.AddMinutes(4)));
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann@initrode.example", "C1", T0));
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", "C1", T0));
        h.Source.Upsert(Contact("201", "Cid", "Moe", "cid@globex.example", "C2", T0));
        h.Source.Upsert(Employee("EP1", "Dee Staff", "dee@contoso.example", T0));
        return h;
    }

    [Fact]
    public async Task Initial_load_creates_every_organization_and_user_once_with_the_right_links()
    {
        var h = await SeededAsync();

        var results = await h.RunAsync("run-1");

        Assert.Equal(0, results.Failed());
        var orgs = h.Zendesk.Organizations.Values;
        Assert.Equal(["C1", "C2", "C3", "V1", "acu-company:Contoso"], orgs.Select(o => o.ExternalId!).Order(StringComparer.Ordinal));
        var globex = h.Zendesk.OrgByExternalId("C2");
        Assert.Contains("acu_customer", globex.Tags);
        Assert.Contains("acu_vendor", globex.Tags);
        Assert.Equal(["initrode.example"], h.Zendesk.OrgByExternalId("C1").DomainNames);

        Assert.Equal(4, h.Zendesk.Users.Count);
        Assert.Equal(h.Zendesk.OrgByExternalId("C1").Id, h.Zendesk.UserByExternalId("acu-contact:101").OrganizationId);
        Assert.Equal(h.Zendesk.OrgByExternalId("C1").Id, h.Zendesk.UserByExternalId("acu-contact:102").OrganizationId);
        Assert.Equal(globex.Id, h.Zendesk.UserByExternalId("acu-contact:201").OrganizationId);
        var employee = h.Zendesk.UserByExternalId("acu-employee:EP1");
        Assert.Equal(h.Zendesk.OrgByExternalId("acu-company:Contoso").Id, employee.OrganizationId);
        Assert.Equal("end-user", employee.Role);
        Assert.Equal("Ann Lee", h.Zendesk.UserByExternalId("acu-contact:101").Name);
    }

    [Fact]
    public async Task The_company_organization_rides_along_with_the_last_customer_page_so_employees_need_no_lookup_of_it()
    {
        var h = await SeededAsync();
        var creates = new List<string?[]>();
        h.Zendesk.BeforeOrganizationCreates = batch =>
        {
            lock (creates)
            {
                creates.Add([.. batch.Select(o => o.ExternalId)]);
            }

            return Task.CompletedTask;
        };

        await h.RunAsync("run-1", pageSize: 2); // customers: (C1, C2), then the last page (C3)

        const string Own = "acu-company:Contoso";
        Assert.Equal(["C3", Own], Assert.Single(creates, c => c.Contains(Own)));
        Assert.Equal(["C3", Own], Assert.Single(h.Zendesk.OrganizationLookups, l => l.Contains(Own)));
        Assert.Equal(1, h.Zendesk.OwnOrganizationCreates);
        Assert.Equal(h.Zendesk.OrgByExternalId(Own).Id, h.Zendesk.UserByExternalId("acu-employee:EP1").OrganizationId);

        // Remembered: a later window's last customer page only looks it up along with its accounts (no create), and
        // employees take its id from our state.
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Customer("C4", "Umbrella", h.Time.GetUtcNow()));
        h.Source.Upsert(Employee("EP2", "Eve Staff", "eve@contoso.example", h.Time.GetUtcNow()));
        await h.RunAsync("run-2", pageSize: 10);

        Assert.Contains(h.Zendesk.OrganizationLookups, l => l.Contains(Own) && l.Contains("C4"));
        Assert.Equal(1, h.Zendesk.OwnOrganizationCreates);
        var ownId = h.Zendesk.OrgByExternalId(Own).Id;
        Assert.Equal(ownId, h.Zendesk.UserByExternalId("acu-employee:EP2").OrganizationId);

        // Deleted in Zendesk: the next window's last customer page makes it again, and employees follow the new one.
        h.Zendesk.Organizations.Remove(ownId);
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Customer("C5", "Stark", h.Time.GetUtcNow()));
        h.Source.Upsert(Employee("EP3", "Fay Staff", "fay@contoso.example", h.Time.GetUtcNow()));
        await h.RunAsync("run-3", pageSize: 10);

        Assert.Equal(2, h.Zendesk.OwnOrganizationCreates);
        Assert.NotEqual(ownId, h.Zendesk.OrgByExternalId(Own).Id);
        Assert.Equal(h.Zendesk.OrgByExternalId(Own).Id, h.Zendesk.UserByExternalId("acu-employee:EP3").OrganizationId);
    }

    [Fact]
    public async Task The_company_organization_rides_along_even_when_the_last_customer_page_reads_nothing_new()
    {
        var h = await SeededAsync();

        // Three customers in pages of three: the first page is full, so a last page reads only its edge again (nothing
        // new). The company organization still rides with it: employees find it made, and make no job of their own.
        await h.RunAsync("run-1", pageSize: 3, kinds: [EntityKind.Customer]);

        const string Own = "acu-company:Contoso";
        Assert.Equal(1, h.Zendesk.OwnOrganizationCreates);
        var own = h.Zendesk.OrgByExternalId(Own);

        await h.RunAsync("run-1", pageSize: 3, kinds: [EntityKind.Employee]);

        Assert.Equal(1, h.Zendesk.OwnOrganizationCreates);
        Assert.Equal(own.Id, h.Zendesk.UserByExternalId("acu-employee:EP1").OrganizationId);
    }

    [Fact]
    public async Task Without_employees_in_Acumatica_no_company_organization_is_made()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C1", "Initrode"));

        await h.RunAsync("run-1");

        Assert.Equal(0, h.Zendesk.OwnOrganizationCreates);
        Assert.Equal("C1", Assert.Single(h.Zendesk.Organizations.Values).ExternalId);
    }

    [Fact]
    public async Task Employees_that_cannot_be_read_do_not_fail_the_customer_page()
    {
        var h = await SeededAsync();
        h.Source.Refused.Add(EntityKind.Employee);

        var customers = await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal(0, customers.Failed());
        Assert.Equal(3, customers.Created());
        Assert.Equal(0, h.Zendesk.OwnOrganizationCreates);
        Assert.Contains(
            (LogLevel.Information, "Tenant contoso: could not check for employees (HttpRequestException); the employee page will make the company "
                + "organization"),
            h.Log.Entries);
        await Assert.ThrowsAsync<HttpRequestException>(() => h.RunAsync("run-1", kinds: [EntityKind.Employee]));
    }

    [Fact]
    public async Task Employees_synced_before_any_customer_page_create_the_company_organization_and_join_it()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Employee("EP1", "Dee Staff", "dee@contoso.example"));

        await h.RunAsync("run-1", kinds: [EntityKind.Employee]);

        var company = h.Zendesk.OrgByExternalId("acu-company:Contoso");
        Assert.Equal(("Contoso Ltd", 1), (company.Name, h.Zendesk.OwnOrganizationCreates));
        Assert.Equal(company.Id, h.Zendesk.UserByExternalId("acu-employee:EP1").OrganizationId);
    }

    [Fact]
    public async Task A_failed_record_retried_at_the_start_of_a_run_is_not_written_again_when_the_page_reads_it()
    {
        var h = await SeededAsync(Tenant() with { Onboarding = OnboardingPolicy.CreateOnly });
        var clash = h.Zendesk.AddHandMadeOrganization("Hooli");
        await h.RunAsync("run-1", kinds: [EntityKind.Customer]);
        h.Zendesk.Organizations.Remove(clash.Id);
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Customer("C3", "Hooli", h.Time.GetUtcNow()));

        var results = await h.RunAsync("run-2", kinds: [EntityKind.Customer]);

        Assert.Equal((1, 0, 0), (results.Created(), results.Unchanged(), results.Updated()));
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C3", None);
        Assert.Equal(
            [AuditAction.Created, AuditAction.Mapped, AuditAction.Seen, AuditAction.Replayed],
            history!.Entries.Where(e => e.RunId == "run-2").Select(e => e.Action));
    }

    [Fact]
    public async Task A_dry_run_of_a_kind_the_tenant_does_not_sync_plans_nothing_and_asks_for_no_more_pages()
    {
        var h = await SeededAsync(Tenant() with { EntityKinds = [EntityKind.Customer] });

        var plan = await h.Engine.PlanPageAsync(new PlanPageRequest(h.Tenant.Id, "plan-1", EntityKind.Vendor, 10), None);

        Assert.Empty(plan.Items);
        Assert.Equal((0, false), (plan.Result.Counts.Read, plan.Result.HasMore));
        Assert.Empty(h.Source.Reads);
    }

    [Fact]
    public async Task A_checkpoint_another_worker_committed_meanwhile_fails_the_page_instead_of_being_overwritten()
    {
        var h = await SeededAsync();
        var theirs = new PageCheckpoint { Watermark = T0.AddHours(2), InitialLoadCompleted = true, LastRunId = "other-run" };
        h.Source.BeforeRead = read =>
        {
            if (read == 0)
            {
                h.Memory.SaveAsync(StateKeys.Checkpoint(h.Tenant.Id, EntityKind.Customer), theirs, None).GetAwaiter().GetResult();
            }
        };

        await Assert.ThrowsAsync<StateConflictException>(() => h.Engine.SyncPagesAsync(new SyncPagesRequest(h.Tenant.Id, "run-1", EntityKind.Customer), None));

        var (stored, _) = await h.Checkpoints.GetAsync(h.Tenant.Id, EntityKind.Customer, None);
        Assert.Equal(("other-run", (DateTimeOffset?)T0.AddHours(2)), (stored!.LastRunId, stored.Watermark));
        Assert.Empty(await h.Checkpoints.GetHistoryAsync(h.Tenant.Id, EntityKind.Customer, None));
    }

    [Fact]
    public async Task Second_run_without_changes_makes_zero_Zendesk_writes()
    {
        var h = await SeededAsync();
        await h.RunAsync("run-1");
        var writes = h.Zendesk.Writes;
        h.Time.Advance(TimeSpan.FromMinutes(15));

        var results = await h.RunAsync("run-2");

        Assert.Equal(writes, h.Zendesk.Writes);
        Assert.Equal(0, results.Created() + results.Updated() + results.Failed());
    }

    [Fact]
    public async Task A_rename_in_Acumatica_updates_the_organization_on_the_next_run()
    {
        var h = await SeededAsync();
        await h.RunAsync("run-1");
        var creates = h.Zendesk.OrganizationCreates;
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Customer("C3", "Hooli XYZ", h.Time.GetUtcNow()));

        var results = await h.RunAsync("run-2");

        Assert.Equal("Hooli XYZ", h.Zendesk.OrgByExternalId("C3").Name);
        Assert.Equal(1, results.Updated());
        Assert.Equal(creates, h.Zendesk.OrganizationCreates);
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C3", None);
        Assert.Equal(AuditAction.Updated, history!.Entries[0].Action);
        Assert.Equal("run-2", history.Entries[0].RunId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_changed_email_adds_an_identity_and_keeps_the_primary_unless_configured(bool makePrimary)
    {
        var tenant = Tenant() with { Mapping = new MappingOptions { MakeNewEmailPrimary = makePrimary } };
        var h = await SeededAsync(tenant);
        await h.RunAsync("run-1");
        var userId = h.Zendesk.UserByExternalId("acu-contact:101").Id;
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann.lee@initrode.example", "C1", h.Time.GetUtcNow()));

        await h.RunAsync("run-2");

        var user = h.Zendesk.Users[userId];
        Assert.Equal(["ann@initrode.example", "ann.lee@initrode.example"], user.Emails.Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(makePrimary ? "ann.lee@initrode.example" : "ann@initrode.example", user.Primary);
        Assert.Equal(1, h.Zendesk.IdentityAdds);

        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "101", None);
        Assert.Equal((AuditAction.Updated, "e-mail identity added"), (history!.Entries[0].Action, history.Entries[0].Detail));

        h.Time.Advance(TimeSpan.FromMinutes(15));
        var writes = h.Zendesk.Writes;
        await h.RunAsync("run-3");
        Assert.Equal(writes, h.Zendesk.Writes);

        // Saved again with only the phone changed: the new e-mail is one of the user's identities already (whether it
        // became the primary or not), so it is not added again.
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann.lee@initrode.example", "C1", h.Time.GetUtcNow()) with { Phone = "+1 555 0101" });
        await h.RunAsync("run-4");
        Assert.Equal(("+1 555 0101", 1), (user.Phone, h.Zendesk.IdentityAdds));
        history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "101", None);
        Assert.Equal((AuditAction.Updated, null), (history!.Entries[0].Action, history.Entries[0].Detail));
    }

    [Fact]
    public async Task A_name_clash_fails_one_record_into_the_audit_trail_while_the_rest_land_and_replay_fixes_it()
    {
        var tenant = Tenant() with { Onboarding = OnboardingPolicy.CreateOnly };
        var h = await SeededAsync(tenant);
        var clash = h.Zendesk.AddHandMadeOrganization("Hooli");

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal(1, results.Failed());
        Assert.Equal(2, results.Created());
        Assert.Null(h.Zendesk.Organizations[clash.Id].ExternalId);
        var failed = Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, None));
        Assert.Equal(("C3", WriteErrorKind.DuplicateValue), (failed.Key, failed.Error.Kind));
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C3", None);
        Assert.Equal(AuditAction.Failed, history!.Entries[0].Action);
        Assert.Contains("has already been taken", history.Entries[0].Error!.Message, StringComparison.Ordinal);
        Assert.Contains((LogLevel.Warning, "Tenant contoso Customer C3 failed with DuplicateValue; queued for replay"), h.Log.Entries);
        Assert.Contains(
            (LogLevel.Information, "Tenant contoso Customer page of run run-1: read 1, created 0, updated 0, unchanged 0, skipped 0, failed 1, more False"),
            h.Log.Entries);

        h.Zendesk.Organizations[clash.Id].Name = "Hooli (old)";
        var replay = await h.Engine.ReplayAsync(h.Tenant.Id, "replay-1", [new RecordRef(EntityKind.Customer, "C3")], None);

        Assert.Equal((1, 0), (replay.Succeeded, replay.Failed));
        Assert.Equal("Hooli", h.Zendesk.OrgByExternalId("C3").Name);
        Assert.Empty(await h.Failed.ListAsync(h.Tenant.Id, None));
        history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C3", None);
        Assert.Contains(history!.Entries, e => e is { Action: AuditAction.Replayed, RunId: "replay-1", Detail: "replay" });
        Assert.Equal(AuditAction.Created, history.Entries[0].Action);
    }

    [Fact]
    public async Task Contacts_written_before_their_organization_existed_are_linked_once_it_lands()
    {
        var h = await SeededAsync(Tenant() with { Onboarding = OnboardingPolicy.CreateOnly });
        var clash = h.Zendesk.AddHandMadeOrganization("Initrode");
        await h.RunAsync("run-1");
        Assert.Null(h.Zendesk.UserByExternalId("acu-contact:101").OrganizationId);
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "101", None);
        Assert.Contains("organization 'C1' is not in Zendesk yet", history!.Entries[0].Detail, StringComparison.Ordinal);

        h.Zendesk.Organizations[clash.Id].Name = "Initrode (hand-made)";
        await h.Engine.ReplayFailedAsync(h.Tenant.Id, "replay-1", None);

        var initrode = h.Zendesk.OrgByExternalId("C1").Id;
        Assert.Equal(initrode, h.Zendesk.UserByExternalId("acu-contact:101").OrganizationId);
        Assert.Equal(initrode, h.Zendesk.UserByExternalId("acu-contact:102").OrganizationId);
        Assert.Equal(4, h.Zendesk.Users.Count);
        var writes = h.Zendesk.Writes;
        h.Time.Advance(TimeSpan.FromMinutes(15));
        await h.RunAsync("run-2");
        Assert.Equal(writes, h.Zendesk.Writes);
    }

    [Fact]
    public async Task Failed_records_are_retried_at_the_start_of_the_next_run()
    {
        var tenant = Tenant() with { Onboarding = OnboardingPolicy.CreateOnly };
        var h = await SeededAsync(tenant);
        var clash = h.Zendesk.AddHandMadeOrganization("Hooli");
        await h.RunAsync("run-1", kinds: [EntityKind.Customer]);
        h.Zendesk.Organizations.Remove(clash.Id);
        h.Time.Advance(TimeSpan.FromMinutes(15));

        var results = await h.RunAsync("run-2", kinds: [EntityKind.Customer]);

        Assert.Equal(1, results.Created());
        Assert.Equal("Hooli", h.Zendesk.OrgByExternalId("C3").Name);
        Assert.Empty(await h.Failed.ListAsync(h.Tenant.Id, None));
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C3", None);
        Assert.Equal(
            [AuditAction.Created, AuditAction.Mapped, AuditAction.Seen, AuditAction.Replayed],
            history!.Entries.Where(e => e.RunId == "run-2").Select(e => e.Action));
    }

    [Fact]
    public async Task An_organization_removed_by_hand_in_Zendesk_is_recreated_when_its_record_is_read_again()
    {
        var h = await SeededAsync();
        await h.RunAsync("run-1");
        var removed = h.Zendesk.OrgByExternalId("C1");
        h.Zendesk.Organizations.Remove(removed.Id);
        var removedUser = h.Zendesk.UserByExternalId("acu-contact:201");
        h.Zendesk.Users.Remove(removedUser.Id);
        await h.Checkpoints.ResetAsync(h.Tenant.Id, EntityKind.Customer, null, "operator@example.com", "re-read after cleanup", None);
        await h.Checkpoints.ResetAsync(h.Tenant.Id, EntityKind.Contact, null, "operator@example.com", "re-read after cleanup", None);
        var writes = h.Zendesk.Writes;

        // The plan says which records come back as new Zendesk records and why.
        var organizationPlan = await h.Engine.PlanPageAsync(new PlanPageRequest(h.Tenant.Id, "plan-2", EntityKind.Customer, 10), None);
        var userPlan = await h.Engine.PlanPageAsync(new PlanPageRequest(h.Tenant.Id, "plan-2", EntityKind.Contact, 10), None);
        var organizationReason = $"organization #{removed.Id} is gone from Zendesk; creating it again";
        var userReason = $"user #{removedUser.Id} is gone from Zendesk; creating it again";
        Assert.Equal((PlannedAction.Recreate, organizationReason), organizationPlan.Items.Where(i => i.Key == "C1").Select(i => (i.Action, i.Reason)).Single());
        Assert.Equal((PlannedAction.Recreate, userReason), userPlan.Items.Where(i => i.Key == "201").Select(i => (i.Action, i.Reason)).Single());

        var results = await h.RunAsync("run-2");

        var recreated = h.Zendesk.OrgByExternalId("C1");
        Assert.NotEqual(removed.Id, recreated.Id);
        Assert.NotEqual(removedUser.Id, h.Zendesk.UserByExternalId("acu-contact:201").Id);
        Assert.Equal(2, results.Created());
        Assert.Equal(2, results.Updated());
        Assert.Equal(writes + 4, h.Zendesk.Writes);
        var history = await h.Checkpoints.GetHistoryAsync(h.Tenant.Id, EntityKind.Customer, None);
        Assert.Contains(history, c => c.By == "operator@example.com" && c.To is null);
        var organizationAudit = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C1", None);
        Assert.Equal(
            (AuditAction.Created, recreated.Id, organizationReason),
            (organizationAudit!.Entries[0].Action, organizationAudit.Entries[0].ZendeskId, organizationAudit.Entries[0].Detail));
        var userAudit = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "201", None);
        Assert.Equal((AuditAction.Created, userReason), (userAudit!.Entries[0].Action, userAudit.Entries[0].Detail));
    }

    /// <summary>A harness whose state store crashes on the second write to a key containing <paramref name="crashOn"/>.</summary>
    private static async Task<EngineHarness> CrashingAsync(string crashOn, params string[] customers)
    {
        var memory = new InMemoryConnectorStateStore();
        var h = new EngineHarness(store: new CrashingStateStore(memory, key => key.Contains(crashOn, StringComparison.Ordinal)), memory: memory);
        await h.SaveTenantAsync();
        foreach (var key in customers)
        {
            h.Source.Upsert(Customer(key, $"Org {key}"));
        }

        return h;
    }

    [Fact]
    public async Task A_crash_after_the_writes_but_before_the_checkpoint_duplicates_nothing_on_rerun()
    {
        var h = await CrashingAsync(":checkpoint:customer", "C1", "C2", "C3");

        await Assert.ThrowsAsync<InvalidOperationException>(() => h.RunAsync("run-1", kinds: [EntityKind.Customer]));
        Assert.Equal(3, h.Zendesk.Organizations.Count);

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal(["C1", "C2", "C3"], h.Zendesk.Organizations.Values.Select(o => o.ExternalId!).Order(StringComparer.Ordinal));
        Assert.Equal(3, h.Zendesk.OrganizationCreates);
        Assert.Equal(0, h.Zendesk.OrganizationUpdates);
        Assert.Equal((0, 1), (results.Created(), results.Unchanged()));
    }

    [Fact]
    public async Task A_crash_between_the_Zendesk_write_and_the_fingerprint_updates_instead_of_duplicating()
    {
        var h = await CrashingAsync(":org:", "C1", "C2");

        await Assert.ThrowsAsync<InvalidOperationException>(() => h.RunAsync("run-1", kinds: [EntityKind.Customer]));
        await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal(2, h.Zendesk.Organizations.Count);
        Assert.Equal(2, h.Zendesk.OrganizationCreates);
    }

    [Fact]
    public async Task Two_tenants_sharing_a_state_store_stay_isolated()
    {
        var memory = new InMemoryConnectorStateStore();
        var a = new EngineHarness(Tenant("tenant-a"), memory: memory);
        var b = new EngineHarness(Tenant("tenant-b"), memory: memory);
        await a.SaveTenantAsync();
        await b.SaveTenantAsync();
        a.Source.Upsert(Customer("C1", "Initrode"));
        b.Source.Upsert(Customer("C1", "Other Initrode"));

        await a.RunAsync("run-a", kinds: [EntityKind.Customer]);
        await b.RunAsync("run-b", kinds: [EntityKind.Customer]);

        Assert.Equal("Initrode", a.Zendesk.OrgByExternalId("C1").Name);
        Assert.Equal("Other Initrode", b.Zendesk.OrgByExternalId("C1").Name);
        Assert.Equal(1, b.Zendesk.OrganizationCreates);
        Assert.Equal("run-a", (await a.Audit.GetAsync("tenant-a", EntityKind.Customer, "C1", None))!.Entries[0].RunId);
        Assert.Equal("run-b", (await b.Audit.GetAsync("tenant-b", EntityKind.Customer, "C1", None))!.Entries[0].RunId);
    }

    [Fact]
    public async Task A_paused_tenant_does_no_work()
    {
        var h = await SeededAsync(Tenant() with { Paused = true });

        var results = await h.RunAsync("run-1");

        Assert.Equal(0, h.Zendesk.Writes);
        Assert.Empty(h.Source.Reads);
        Assert.All(results, r => Assert.False(r.HasMore));
        Assert.Contains((LogLevel.Information, "Tenant contoso is paused, waiting for authorization or has Customer disabled; page skipped"), h.Log.Entries);
    }

    [Fact]
    public async Task A_setting_that_does_not_reach_a_system_stops_the_run_as_data_without_marking_the_tenant()
    {
        var h = await SeededAsync();
        h.Source.BeforeRead = _ => throw new ConnectorConfigurationException(
            h.Tenant.Id, ConnectedSystem.Acumatica, "acumatica.endpointVersion", "'Default/24.200.001' is not offered by the instance");

        var result = await h.Engine.SyncPagesAsync(new SyncPagesRequest(h.Tenant.Id, "run-1", EntityKind.Customer), None);

        Assert.False(result.HasMore);
        Assert.Equal(RunStopCause.Configuration, result.StopCause);
        Assert.Contains("acumatica.endpointVersion", result.Stopped, StringComparison.Ordinal);
        Assert.Equal(0, h.Zendesk.Writes);
        Assert.Null((await new TenantRepository(h.Memory, h.Time).GetAsync(h.Tenant.Id, None))!.Authorization);
        Assert.Equal(RunStatus.Failed, (await h.Runs.GetAsync(h.Tenant.Id, "run-1", None))!.Status);
        Assert.Contains(
            (LogLevel.Warning, "Tenant contoso's run stopped: its setting acumatica.endpointVersion does not let the connector reach a system; other tenants "
                + "go on"),
            h.Log.Entries);
    }

    [Fact]
    public async Task A_rejected_token_marks_the_tenant_needs_authorization_without_moving_the_watermark()
    {
        var h = await SeededAsync();
        h.Source.BeforeRead = _ => throw new AuthorizationRequiredException(ConnectedSystem.Acumatica, "refresh token expired");

        var result = await h.Engine.SyncPagesAsync(new SyncPagesRequest(h.Tenant.Id, "run-1", EntityKind.Customer), None);

        Assert.False(result.HasMore);
        Assert.Equal("the tenant needs a new Acumatica authorization (refresh token expired)", result.Stopped);
        Assert.Equal(RunStopCause.NeedsAuthorization, result.StopCause);
        var tenant = await new TenantRepository(h.Memory, h.Time).GetAsync(h.Tenant.Id, None);
        Assert.Equal(
            (true, ConnectedSystem.Acumatica, "refresh token expired"),
            (tenant!.Authorization!.NeedsAuthorization, tenant.Authorization.System, tenant.Authorization.Reason));
        Assert.Empty(await new TenantRepository(h.Memory, h.Time).ListRunnableTenantIdsAsync(None));
        Assert.Equal(RunStatus.Failed, (await h.Runs.GetAsync(h.Tenant.Id, "run-1", None))!.Status);
        Assert.Null((await h.Checkpoints.GetAsync(h.Tenant.Id, EntityKind.Customer, None)).ETag);
        Assert.Equal(0, h.Zendesk.Writes);
        Assert.Contains((LogLevel.Warning, "Tenant contoso needs a new Acumatica authorization; marked and stopped, other tenants go on"), h.Log.Entries);

        // The workflow only sees empty pages after that and reports the run completed: the run stays failed.
        var completed = await h.Runs.CompleteAsync(h.Tenant.Id, "run-1", RunStatus.Completed, null, None);
        Assert.Equal(RunStatus.Failed, completed.Status);
    }

    [Fact]
    public async Task Replaying_a_record_gone_from_Acumatica_skips_it_and_empties_the_queue()
    {
        var h = await SeededAsync(Tenant() with { Onboarding = OnboardingPolicy.CreateOnly });
        h.Zendesk.AddHandMadeOrganization("Hooli");
        await h.RunAsync("run-1", kinds: [EntityKind.Customer]);
        h.Source.Remove(EntityKind.Customer, "C3");

        var replay = await h.Engine.ReplayFailedAsync(h.Tenant.Id, "replay-1", None);

        var item = Assert.Single(replay.Items);
        Assert.Equal((PlannedAction.Skip, "the record no longer exists in Acumatica"), (item.Action, item.Reason));
        Assert.Empty(await h.Failed.ListAsync(h.Tenant.Id, None));
    }

    [Fact]
    public async Task A_new_email_owned_by_another_user_fails_the_record_and_is_retried()
    {
        var h = await SeededAsync();
        await h.RunAsync("run-1");
        var other = h.Zendesk.AddHandMadeUser("Other", "ann.new@initrode.example");
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann.new@initrode.example", "C1", h.Time.GetUtcNow()));

        var results = await h.RunAsync("run-2");

        Assert.Equal(1, results.Failed());
        Assert.Equal(WriteErrorKind.DuplicateValue, Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, None)).Error.Kind);
        Assert.Equal(["ann@initrode.example"], h.Zendesk.UserByExternalId("acu-contact:101").Emails);
        Assert.Equal(["ann.new@initrode.example"], h.Zendesk.Users[other.Id].Emails);

        h.Zendesk.Users.Remove(other.Id);
        h.Time.Advance(TimeSpan.FromMinutes(15));
        await h.RunAsync("run-3");

        Assert.Contains("ann.new@initrode.example", h.Zendesk.UserByExternalId("acu-contact:101").Emails);
        Assert.Empty(await h.Failed.ListAsync(h.Tenant.Id, None));
    }

    [Fact]
    public async Task Dry_run_plans_the_creates_and_writes_nothing()
    {
        var h = await SeededAsync();
        var keysBefore = h.Memory.Keys.Order(StringComparer.Ordinal).ToArray();

        var results = await h.RunAsync("plan-1", dryRun: true);
        var plan = await h.Engine.PlanPageAsync(new PlanPageRequest(h.Tenant.Id, "plan-2", EntityKind.Customer, 10), None);

        Assert.Equal(0, h.Zendesk.Writes);
        // A plan cannot see its own earlier kinds' creates: vendor C2 (also customer C2) shows as a create too.
        Assert.Equal(5, results.Where(r => r.Kind is EntityKind.Customer or EntityKind.Vendor).Created());
        Assert.Equal(4, results.Where(r => r.Kind is EntityKind.Contact or EntityKind.Employee).Created());
        Assert.Equal(["C1", "C2", "C3"], plan.Items.Where(i => i.Action == PlannedAction.Create).Select(i => i.Key));
        var contacts = await h.Engine.PlanPageAsync(new PlanPageRequest(h.Tenant.Id, "plan-2", EntityKind.Contact, 10), None);
        Assert.Equal([PlannedAction.Create, PlannedAction.Create, PlannedAction.Create], contacts.Items.Select(i => i.Action));
        Assert.Equal(keysBefore, h.Memory.Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Audit_trail_is_queryable_by_record_by_Zendesk_id_and_by_run()
    {
        var h = await SeededAsync();
        await h.RunAsync("run-1");
        var globex = h.Zendesk.OrgByExternalId("C2");

        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C1", None);
        var byZendeskId = await h.Audit.FindByZendeskIdAsync(h.Tenant.Id, AuditTrail.OrganizationType, globex.Id, None);
        var runRecords = await h.Audit.GetRunRecordsAsync(h.Tenant.Id, "run-1", 0, 100, None);
        var run = await h.Runs.GetAsync(h.Tenant.Id, "run-1", None);

        Assert.Equal([AuditAction.Created, AuditAction.Mapped, AuditAction.Seen], history!.Entries.Select(e => e.Action));
        Assert.Equal(h.Zendesk.OrgByExternalId("C1").Id, history.Entries[0].ZendeskId);
        Assert.StartsWith("v1:", history.Entries[1].Fingerprint, StringComparison.Ordinal);
        Assert.Equal([EntityKind.Customer, EntityKind.Vendor], byZendeskId.Select(r => r.Kind));
        Assert.Equal(9, runRecords.Count);
        Assert.Equal(8, run!.Totals.Created);
        Assert.Equal(RunStatus.Running, run.Status);
        var completed = await h.Runs.CompleteAsync(h.Tenant.Id, "run-1", RunStatus.Completed, null, None);
        Assert.Equal(RunStatus.Completed, completed.Status);
        Assert.Equal("run-1", Assert.Single(await h.Runs.ListAsync(h.Tenant.Id, 10, None)).RunId);
    }

    [Fact]
    public async Task Records_refused_by_the_mapping_are_skipped_with_a_reason()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Contact("301", "", "", "not-an-email", null));
        h.Source.Upsert(Customer("C7", " "));
        h.Source.Upsert(Customer("C8", "Initech"));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Customer, EntityKind.Contact]);

        Assert.Equal((2, 1), (results.Skipped(), results.Created()));
        var account = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C7", None);
        Assert.Equal((AuditAction.Skipped, "the account has no name (Zendesk requires one)"), (account!.Entries[0].Action, account.Entries[0].Detail));
        Assert.Equal("Initech", Assert.Single(h.Zendesk.Organizations.Values).Name);
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "301", None);
        Assert.Equal(AuditAction.Skipped, history!.Entries[0].Action);
        Assert.Contains("not valid", history.Entries[0].Detail, StringComparison.Ordinal);
        Assert.Empty(h.Zendesk.Users);
    }

    [Fact]
    public async Task Two_new_contacts_with_one_email_do_not_merge_into_one_user()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Contact("401", "Ann", "One", "shared@initrode.example", null));
        h.Source.Upsert(Contact("402", "Ann", "Two", "shared@initrode.example", null));

        var results = await h.RunAsync("run-1", pageSize: 10, kinds: [EntityKind.Contact]);

        Assert.Equal((1, 1), (results.Created(), results.Failed()));
        Assert.Equal("acu-contact:401", Assert.Single(h.Zendesk.Users.Values).ExternalId);
    }
}

/// <summary>Throws once on the first conditional save to a matching key, after letting earlier writes through.</summary>
internal sealed class CrashingStateStore(IConnectorStateStore inner, Func<string, bool> crashOn) : IConnectorStateStore
{
    private int _matches;

    public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken) => inner.GetAsync<T>(key, cancellationToken);

    public Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        inner.GetManyAsync<T>(keys, cancellationToken);

    public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken)
    {
        Crash(key);
        return inner.SaveAsync(key, value, cancellationToken);
    }

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
    {
        Crash(key);
        return inner.TrySaveAsync(key, value, etag, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    /// <summary>Crashes on the second matching write: the first page commits, the second page's writes are done but not committed.</summary>
    private void Crash(string key)
    {
        if (crashOn(key) && ++_matches == 2)
        {
            throw new InvalidOperationException($"simulated crash writing {key}");
        }
    }
}
