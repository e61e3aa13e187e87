using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>
/// One call may sync several pages (<see cref="SyncPagesRequest.MaxPages"/>) with their Zendesk work overlapping;
/// the outcome — Zendesk, fingerprints, audit trail, checkpoint — must be exactly that of one page after another.
/// </summary>
public sealed class PipelinedPagesTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30); // a hang guard, not a timing assertion

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<EngineHarness> SeededAsync()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        for (var i = 0; i < 7; i++)
        {
            h.Source.Upsert(Customer($"C{i}", $"Account {i}", T0.AddMinutes(i), $"info@account{i}.example"));
        }

        return h;
    }

    /// <summary>An account already in Zendesk and three new contacts: Ann, Bob, and a later one with Ann's e-mail in upper case.</summary>
    private static async Task<EngineHarness> AnnAndHerTwinAsync()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C1", "Initrode", T0));
        await h.RunAsync("run-0", pageSize: 10, kinds: EntityKind.Customer);
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann@initrode.example", "C1", T0));
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", "C1", T0.AddMinutes(1)));
        h.Source.Upsert(Contact("103", "Ann", "Twin", "ANN@initrode.example", "C1", T0.AddMinutes(2)));
        return h;
    }

    private static async Task<List<SyncPagesResult>> CallsAsync(EngineHarness h, string runId, EntityKind kind, int pageSize, int maxPages)
    {
        var results = new List<SyncPagesResult>();
        SyncPagesResult result;
        do
        {
            result = await h.Engine.SyncPagesAsync(new SyncPagesRequest(h.Tenant.Id, runId, kind, pageSize, MaxPages: maxPages), Ct).WaitAsync(Guard, Ct);
            results.Add(result);
        }
        while (result.HasMore);

        return results;
    }

    [Fact]
    public async Task Several_pages_per_call_end_exactly_as_one_page_per_call()
    {
        var sequential = await SeededAsync();
        var pipelined = await SeededAsync();

        var one = await CallsAsync(sequential, "run-1", EntityKind.Customer, pageSize: 2, maxPages: 1);
        var many = await CallsAsync(pipelined, "run-1", EntityKind.Customer, pageSize: 2, maxPages: 10);

        Assert.Equal(4, one.Count);
        var call = Assert.Single(many);
        Assert.Equal(4, call.Counts.Pages);
        Assert.Equal((one.Sum(r => r.Counts.Read), one.Sum(r => r.Counts.Created), one[^1].Watermark), (call.Counts.Read, call.Counts.Created, call.Watermark));
        Assert.Equal(
            sequential.Zendesk.Organizations.Values.Select(o => (o.ExternalId, o.Name)).Order(),
            pipelined.Zendesk.Organizations.Values.Select(o => (o.ExternalId, o.Name)).Order());
        var (a, _) = await sequential.Checkpoints.GetAsync(sequential.Tenant.Id, EntityKind.Customer, Ct);
        var (b, _) = await pipelined.Checkpoints.GetAsync(pipelined.Tenant.Id, EntityKind.Customer, Ct);
        Assert.Equal((a!.Watermark, a.Skip, a.InitialLoadCompleted, a.WindowStartedAt), (b!.Watermark, b.Skip, b.InitialLoadCompleted, b.WindowStartedAt));
        Assert.Equal(a.Seen.OrderBy(p => p.Key), b.Seen.OrderBy(p => p.Key));
        for (var i = 0; i < 7; i++)
        {
            var history = await pipelined.Audit.GetAsync(pipelined.Tenant.Id, EntityKind.Customer, $"C{i}", Ct);
            Assert.Equal(AuditAction.Created, history!.Entries[0].Action);
        }

        var run = await pipelined.Runs.GetAsync(pipelined.Tenant.Id, "run-1", Ct);
        Assert.Equal(4, run!.Kinds["customer"].Counts.Pages);

        // The next run reads nothing new and writes nothing, as after page-by-page calls.
        pipelined.Time.Advance(TimeSpan.FromMinutes(15));
        var writes = pipelined.Zendesk.Writes;
        await CallsAsync(pipelined, "run-2", EntityKind.Customer, pageSize: 2, maxPages: 10);
        Assert.Equal(writes, pipelined.Zendesk.Writes);
    }

    [Fact]
    public async Task The_next_page_is_written_while_the_previous_page_s_job_is_still_running()
    {
        var h = await SeededAsync();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creates = 0;
        h.Zendesk.BeforeOrganizationCreates = _ =>
        {
            // The first page's job finishes only once the second page's job was sent: one after another never gets there.
            if (Interlocked.Increment(ref creates) >= 2)
            {
                second.TrySetResult();
            }

            return second.Task;
        };

        var call = Assert.Single(await CallsAsync(h, "run-1", EntityKind.Customer, pageSize: 2, maxPages: 10));

        Assert.Equal(7, call.Counts.Created);
        Assert.Equal(7, h.Zendesk.Organizations.Count);
    }

    [Fact]
    public async Task On_a_first_load_that_may_adopt_hand_made_organizations_pages_run_one_after_another()
    {
        var h = await SeededAsync();
        h.Zendesk.AddHandMadeOrganization("Someone else's");
        var events = new List<string>();
        h.Zendesk.BeforeOrganizationCreates = async batch =>
        {
            lock (events)
            {
                events.Add($"start {batch[0].ExternalId}");
            }

            await Task.Yield();
            lock (events)
            {
                events.Add($"end {batch[0].ExternalId}");
            }
        };

        var call = Assert.Single(await CallsAsync(h, "run-1", EntityKind.Customer, pageSize: 2, maxPages: 10));

        Assert.Equal(7, call.Counts.Created);
        Assert.Equal(["start C0", "end C0", "start C2", "end C2", "start C4", "end C4", "start C6", "end C6"], events);
    }

    [Fact]
    public async Task A_contact_whose_email_a_page_in_flight_is_writing_waits_for_it_and_is_refused_as_in_use()
    {
        var h = await AnnAndHerTwinAsync();

        var call = Assert.Single(await CallsAsync(h, "run-1", EntityKind.Contact, pageSize: 2, maxPages: 10));

        Assert.Equal(2, call.Counts.Created);
        Assert.Equal(1, call.Counts.Failed);
        var failed = Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, Ct));
        Assert.Equal(("103", "EmailInUse"), (failed.Key, failed.Error.Code));
        Assert.Equal(
            "acu-contact:101",
            Assert.Single(h.Zendesk.Users.Values, u => u.Emails.Contains("ann@initrode.example", StringComparer.OrdinalIgnoreCase)).ExternalId);
    }

    [Fact]
    public async Task A_contact_whose_email_a_page_still_writing_holds_waits_for_that_write_and_is_refused_as_in_use()
    {
        var h = await AnnAndHerTwinAsync();

        // Page 1's write of Ann is held until the page after the twin's is read: by then the twin's page was started.
        var firstWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = 0;
        h.Zendesk.BeforeUserWrites = _ => Interlocked.Increment(ref writes) == 1 ? firstWrite.Task : Task.CompletedTask;
        var fourthRead = h.Source.Reads.Count + 3;
        h.Source.BeforeRead = read =>
        {
            if (read == fourthRead)
            {
                firstWrite.TrySetResult();
            }
        };

        var call = Assert.Single(await CallsAsync(h, "run-1", EntityKind.Contact, pageSize: 1, maxPages: 10));

        Assert.Equal((2, 1), (call.Counts.Created, call.Counts.Failed));
        var failed = Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, Ct));
        Assert.Equal(("103", "EmailInUse"), (failed.Key, failed.Error.Code));
        Assert.Equal(
            "acu-contact:101",
            Assert.Single(h.Zendesk.Users.Values, u => u.Emails.Contains("ann@initrode.example", StringComparer.OrdinalIgnoreCase)).ExternalId);
    }

    [Fact]
    public async Task A_page_whose_writes_fail_leaves_the_pages_before_it_committed_and_the_call_fails()
    {
        var h = await SeededAsync();
        var calls = 0;
        h.Zendesk.BeforeOrganizationCreates = batch =>
            Interlocked.Increment(ref calls) == 2 ? Task.FromException(new HttpRequestException("Zendesk answered 503")) : Task.CompletedTask;

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            h.Engine.SyncPagesAsync(new SyncPagesRequest(h.Tenant.Id, "run-1", EntityKind.Customer, 2, MaxPages: 10), Ct));

        var (checkpoint, _) = await h.Checkpoints.GetAsync(h.Tenant.Id, EntityKind.Customer, Ct);
        Assert.Equal(2, checkpoint!.Skip);
        Assert.False(checkpoint.InitialLoadCompleted);

        // The retried call resumes at the failed page and writes each account once.
        h.Zendesk.BeforeOrganizationCreates = null;
        await CallsAsync(h, "run-1", EntityKind.Customer, pageSize: 2, maxPages: 10);
        Assert.Equal(7, h.Zendesk.Organizations.Count);
        Assert.Equal(7, h.Zendesk.Organizations.Values.Select(o => o.ExternalId).Distinct().Count());
    }

    [Fact]
    public async Task A_first_load_that_never_adopts_overlaps_its_pages_without_listing_the_account()
    {
        var h = new EngineHarness(Tenant() with { Onboarding = Tenants.OnboardingPolicy.CreateOnly });
        await h.SaveTenantAsync();
        for (var i = 0; i < 5; i++)
        {
            h.Source.Upsert(Customer($"C{i}", $"Account {i}", T0.AddMinutes(i)));
        }

        var call = Assert.Single(await CallsAsync(h, "run-1", EntityKind.Customer, pageSize: 2, maxPages: 10));

        Assert.Equal((5, 0), (call.Counts.Created, h.Zendesk.OrganizationListings));
    }

    [Fact]
    public async Task A_call_over_several_pages_counts_every_page_s_records_and_a_retried_record_once()
    {
        var h = new EngineHarness(Tenant() with { Onboarding = Tenants.OnboardingPolicy.CreateOnly });
        await h.SaveTenantAsync();
        var clash = h.Zendesk.AddHandMadeOrganization("Hooli");
        h.Source.Upsert(Customer("U1", "Initrode", T0));
        h.Source.Upsert(Customer("Q1", "Hooli", T0));
        h.Source.Upsert(Customer("U2", "Globex", T0));
        await CallsAsync(h, "run-1", EntityKind.Customer, pageSize: 10, maxPages: 1);
        h.Zendesk.Organizations[clash.Id].Name = "Hooli (old)"; // the queued failure of Q1 now goes through

        // Saved again in Acumatica without a change: U1 and U2, each on a page with a nameless account and a name clash.
        // Pages of 3 read U1, Q1 (dropped: retried before the first page), N1 | F1, U2, N2 | F2.
        var later = T0.AddHours(1);
        h.Zendesk.AddHandMadeOrganization("Umbrella");
        h.Zendesk.AddHandMadeOrganization("Stark");
        h.Source.Remove(EntityKind.Customer, "U2");
        h.Source.Upsert(Customer("U1", "Initrode", later));
        h.Source.Upsert(Customer("N1", " ", later));
        h.Source.Upsert(Customer("F1", "Umbrella", later));
        h.Source.Upsert(Customer("U2", "Globex", later));
        h.Source.Upsert(Customer("N2", "", later));
        h.Source.Upsert(Customer("F2", "Stark", later));
        h.Time.Advance(TimeSpan.FromMinutes(15));

        var call = Assert.Single(await CallsAsync(h, "run-2", EntityKind.Customer, pageSize: 3, maxPages: 10));

        Assert.Equal(3, call.Counts.Pages);
        Assert.Equal((8, 1, 2, 2, 2), (call.Counts.Read, call.Counts.Created, call.Counts.Unchanged, call.Counts.Skipped, call.Counts.Failed));
        Assert.Equal("Hooli", h.Zendesk.OrgByExternalId("Q1").Name);
    }
}
