using System.Text;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class AuditAndStateTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Retention_caps_entries_per_record_and_drops_old_ones()
    {
        var store = new InMemoryConnectorStateStore();
        var time = new FakeTimeProvider(TestData.T0);
        var audit = new AuditTrail(store, new AuditRetention { MaxEntriesPerRecord = 3, MaxAge = TimeSpan.FromDays(10) }, time);
        var record = new RecordRef(EntityKind.Customer, "C1");

        await audit.AppendAsync(
            "t",
            "run-old",
            [new RecordAudit(record, "C1", 5, [new AuditEntry("run-old", time.GetUtcNow(), AuditAction.Created, 5)])],
            None);
        time.Advance(TimeSpan.FromDays(11));
        for (var i = 0; i < 4; i++)
        {
            await audit.AppendAsync(
                "t",
                $"run-{i}",
                [new RecordAudit(record, "C1", null, [new AuditEntry($"run-{i}", time.GetUtcNow(), AuditAction.SkippedUnchanged)])],
                None);
        }

        var history = (await audit.GetAsync("t", EntityKind.Customer, "C1", None))!;
        Assert.Equal(["run-3", "run-2", "run-1"], history.Entries.Select(e => e.RunId));
        Assert.Equal(5, history.ZendeskId);
    }

    [Fact]
    public async Task Secrets_in_error_messages_never_reach_the_audit_trail_or_the_failed_queue()
    {
        var store = new InMemoryConnectorStateStore();
        var time = new FakeTimeProvider(TestData.T0);
        var retention = new AuditRetention();
        var error = new WriteError(
            WriteErrorKind.Other,
            "Unauthorized",
            "call with Authorization: Bearer eyJhbGciOi.secret.sig and access_token=abc123SECRET failed");
        var record = new RecordRef(EntityKind.Contact, "1");

        await new AuditTrail(store, retention, time).AppendAsync(
            "t",
            "r",
            [new RecordAudit(record, "acu-contact:1", null, [new AuditEntry("r", time.GetUtcNow(), AuditAction.Failed, Error: error)])],
            None);
        await new FailedRecordQueue(store, retention).EnqueueAsync(
            "t",
            [new FailedRecord(EntityKind.Contact, "1", "r", time.GetUtcNow(), time.GetUtcNow(), 1, error)],
            None);

        foreach (var key in store.Keys)
        {
            var raw = Encoding.UTF8.GetString(store.GetRaw(key)!);
            Assert.DoesNotContain("eyJhbGciOi", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("abc123SECRET", raw, StringComparison.Ordinal);
        }

        Assert.Contains("Bearer ***", (await new FailedRecordQueue(store, retention).ListAsync("t", None))[0].Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_failed_queue_counts_attempts_and_forgets_replayed_records()
    {
        var queue = new FailedRecordQueue(new InMemoryConnectorStateStore(), new AuditRetention());
        var error = new WriteError(WriteErrorKind.DuplicateValue, "DuplicateValue", "Name: x has already been taken", "name");
        var failure = new FailedRecord(EntityKind.Customer, "C1", "r1", TestData.T0, TestData.T0, 1, error);

        await queue.EnqueueAsync("t", [failure], None);
        await queue.EnqueueAsync("t", [failure with { RunId = "r2" }, failure with { Key = "C2" }], None);

        var queued = await queue.ListAsync("t", None);
        Assert.Equal([("C1", 2, "r2"), ("C2", 1, "r1")], queued.Select(f => (f.Key, f.Attempts, f.RunId)));
        await queue.RemoveAsync("t", [new RecordRef(EntityKind.Customer, "C1")], None);
        Assert.Equal("C2", Assert.Single(await queue.ListAsync("t", None)).Key);
    }

    [Fact]
    public async Task An_entry_exactly_as_old_as_the_retention_is_still_kept()
    {
        var time = new FakeTimeProvider(TestData.T0);
        var audit = new AuditTrail(new InMemoryConnectorStateStore(), new AuditRetention { MaxAge = TimeSpan.FromDays(10) }, time);
        var record = new RecordRef(EntityKind.Customer, "C1");

        await audit.AppendAsync("t", "r1", [new RecordAudit(record, "C1", 5, [new AuditEntry("r1", time.GetUtcNow(), AuditAction.Created, 5)])], None);
        time.Advance(TimeSpan.FromDays(10));
        await audit.AppendAsync("t", "r2", [new RecordAudit(record, "C1", null, [new AuditEntry("r2", time.GetUtcNow(), AuditAction.SkippedUnchanged)])], None);

        Assert.Equal(["r2", "r1"], (await audit.GetAsync("t", EntityKind.Customer, "C1", None))!.Entries.Select(e => e.RunId));
    }

    /// <summary>
    /// An operator looks a Zendesk organization, user or ticket up by its id and sees the Acumatica records written to it:
    /// each kind under its own Zendesk type, and under the new id once a record was written to another one.
    /// </summary>
    [Fact]
    public async Task Histories_are_found_by_the_zendesk_id_of_their_type_and_follow_a_new_id()
    {
        var time = new FakeTimeProvider(TestData.T0);
        var audit = new AuditTrail(new InMemoryConnectorStateStore(), new AuditRetention(), time);
        RecordAudit Wrote(EntityKind kind, string key, long id) =>
            new(new RecordRef(kind, key), key, id, [new AuditEntry("r1", time.GetUtcNow(), AuditAction.Created, id)]);

        await audit.AppendAsync(
            "t",
            "r1",
            [
                Wrote(EntityKind.Vendor, "A1", 7),
                Wrote(EntityKind.Customer, "C2", 7),
                Wrote(EntityKind.Customer, "A1", 7),
                Wrote(EntityKind.Contact, "P1", 7),
                Wrote(EntityKind.Ticket, "T1", 7)],
            None);
        await audit.AppendAsync("t", "r2", [Wrote(EntityKind.Customer, "C2", 9)], None);

        static string[] Names(IReadOnlyList<RecordHistory> histories) => [.. histories.Select(h => $"{h.Kind} {h.Key}")];
        Assert.Equal(["Customer A1", "Customer C2", "Vendor A1"], Names(await audit.FindByZendeskIdAsync("t", AuditTrail.OrganizationType, 7, None)));
        Assert.Equal(["Customer C2"], Names(await audit.FindByZendeskIdAsync("t", AuditTrail.OrganizationType, 9, None)));
        Assert.Equal(["Contact P1"], Names(await audit.FindByZendeskIdAsync("t", AuditTrail.UserType, 7, None)));
        Assert.Equal(["Ticket T1"], Names(await audit.FindByZendeskIdAsync("t", AuditTrail.TicketType, 7, None)));
        Assert.Empty(await audit.FindByZendeskIdAsync("t", AuditTrail.UserType, 9, None));
        Assert.Equal(9, (await audit.GetAsync("t", EntityKind.Customer, "C2", None))!.ZendeskId);
    }

    /// <summary>A writer that stopped between counting a page and saving it leaves a gap; the other pages are still listed.</summary>
    [Fact]
    public async Task A_run_page_that_was_never_saved_is_skipped_when_listing_the_run()
    {
        var store = new InMemoryConnectorStateStore();
        var time = new FakeTimeProvider(TestData.T0);
        var audit = new AuditTrail(store, new AuditRetention(), time);
        RecordAudit Seen(string key) => new(new RecordRef(EntityKind.Customer, key), key, null, [new AuditEntry("r1", time.GetUtcNow(), AuditAction.Seen)]);
        await audit.AppendAsync("t", "r1", [Seen("C1")], None);
        await audit.AppendAsync("t", "r1", [Seen("C2"), Seen("C3")], None);
        await audit.AppendAsync("t", "r1", [Seen("C4")], None);

        await store.DeleteAsync(StateKeys.RunPage("t", "r1", 1), None);

        Assert.Equal(["C1", "C4"], (await audit.GetRunRecordsAsync("t", "r1", 0, 10, None)).Select(r => r.Key));
    }

    [Fact]
    public void Scrubbing_keeps_the_name_of_each_secret_and_hides_its_value() =>
        Assert.Equal(
            "POST /oauth/token Authorization: Bearer *** refresh_token=*** client_secret: *** Cookie: ***",
            SecretScrubber.Scrub(
                "POST /oauth/token Authorization: Bearer eyJ0 refresh_token=r3fr3sh client_secret: s3cr3t Cookie: ASP.NET_SessionId=abc; .ASPXAUTH=def",
                1_000));

    [Theory]
    [InlineData(10, "0123456789")]
    [InlineData(9, "012345678…")]
    public void A_message_longer_than_the_limit_is_cut_and_marked(int maxLength, string kept) =>
        Assert.Equal(kept, SecretScrubber.Scrub("0123456789", maxLength));

    [Fact]
    public async Task The_replay_queue_lists_the_oldest_failure_first_then_by_kind_and_key()
    {
        var queue = new FailedRecordQueue(new InMemoryConnectorStateStore(), new AuditRetention());
        var error = new WriteError(WriteErrorKind.Other, "Other", "boom");
        FailedRecord Failed(EntityKind kind, string key, int minutes) =>
            new(kind, key, "r1", TestData.T0.AddMinutes(minutes), TestData.T0.AddMinutes(minutes), 1, error);

        await queue.EnqueueAsync(
            "t",
            [
                Failed(EntityKind.Contact, "P1", 0),
                Failed(EntityKind.Customer, "C2", 0),
                Failed(EntityKind.Customer, "C1", 5),
                Failed(EntityKind.Customer, "C10", 0),
                Failed(EntityKind.Vendor, "V1", -5)],
            None);

        Assert.Equal(
            ["Vendor V1", "Customer C10", "Customer C2", "Contact P1", "Customer C1"],
            (await queue.ListAsync("t", None)).Select(f => $"{f.Kind} {f.Key}"));
    }

    [Fact]
    public async Task The_onboarding_report_lists_cases_by_kind_then_key_and_keeps_the_latest_per_record()
    {
        var report = new OnboardingReport(new InMemoryConnectorStateStore());
        OnboardingCase Case(EntityKind kind, string key, OnboardingOutcome outcome) => new(kind, key, key, outcome, [], "reason", "r1", TestData.T0);

        await report.AddAsync(
            "t",
            [Case(EntityKind.Contact, "P1", OnboardingOutcome.Ambiguous), Case(EntityKind.Customer, "C2", OnboardingOutcome.Adopted)],
            None);
        await report.AddAsync(
            "t",
            [Case(EntityKind.Customer, "C1", OnboardingOutcome.Matched), Case(EntityKind.Contact, "P1", OnboardingOutcome.Adopted)],
            None);

        Assert.Equal(
            ["Customer C1 Matched", "Customer C2 Adopted", "Contact P1 Adopted"],
            (await report.ListAsync("t", None)).Select(c => $"{c.Kind} {c.Key} {c.Outcome}"));
    }

    [Fact]
    public async Task A_run_that_ends_before_its_first_page_is_listed_with_the_others()
    {
        var runs = new RunStore(new InMemoryConnectorStateStore(), new FakeTimeProvider(TestData.T0));
        await runs.RecordPageAsync(
            "contoso",
            "r1",
            false,
            EntityKind.Customer,
            new SyncPagesResult(EntityKind.Customer, new SyncCounts(1, 1, 1, 0, 0, 0, 0), false, TestData.T0),
            null,
            0,
            true,
            None);
        await runs.CompleteAsync("contoso", "r1", RunStatus.Completed, null, None);

        await runs.CompleteAsync("contoso", "r2", RunStatus.Failed, "the tenant needs a new Acumatica authorization", None);
        await runs.CompleteAsync("contoso", "r2", RunStatus.Completed, null, None);

        var listed = await runs.ListAsync("contoso", 10, None);
        Assert.Equal(["r2", "r1"], listed.Select(r => r.RunId));
        Assert.Equal(RunStatus.Failed, listed[0].Status);
    }

    [Fact]
    public async Task A_run_is_listed_from_its_start_and_starting_it_again_changes_nothing()
    {
        var time = new FakeTimeProvider(TestData.T0);
        var runs = new RunStore(new InMemoryConnectorStateStore(), time);

        await runs.StartAsync("contoso", "r1", None);
        var started = Assert.Single(await runs.ListAsync("contoso", 10, None));
        time.Advance(TimeSpan.FromMinutes(1));
        await runs.RecordPageAsync(
            "contoso",
            "r1",
            false,
            EntityKind.Customer,
            new SyncPagesResult(EntityKind.Customer, new SyncCounts(1, 2, 2, 0, 0, 0, 0), false, TestData.T0),
            null,
            0,
            true,
            None);
        await runs.StartAsync("contoso", "r1", None);   // a retried schedule after the first page was recorded

        Assert.Equal(("r1", RunStatus.Running, TestData.T0, SyncCounts.None), (started.RunId, started.Status, started.StartedAt, started.Totals));
        var run = Assert.Single(await runs.ListAsync("contoso", 10, None));
        Assert.Equal((TestData.T0, 2), (run.StartedAt, run.Totals.Created));
        Assert.Empty(await runs.ListAsync("fabrikam", 10, None));
    }

    [Fact]
    public async Task The_in_memory_store_has_the_ETag_semantics_of_the_Dapr_store()
    {
        var store = new InMemoryConnectorStateStore();

        Assert.True(await store.TrySaveAsync("k", 1, null, None));
        Assert.False(await store.TrySaveAsync("k", 2, null, None));
        var first = await store.GetAsync<int>("k", None);
        Assert.True(await store.TrySaveAsync("k", 3, first.ETag, None));
        Assert.False(await store.TrySaveAsync("k", 4, first.ETag, None));
        var second = await store.GetAsync<int>("k", None);
        Assert.Equal(3, second.Value);
        Assert.NotEqual(first.ETag, second.ETag);

        await store.SaveAsync("k", 5, None);
        Assert.False(await store.TrySaveAsync("k", 6, second.ETag, None));
        await store.DeleteAsync("k", None);
        Assert.Equal(new StateEntry<int>(0, null), await store.GetAsync<int>("k", None));
        Assert.False(await store.TrySaveAsync("k", 7, second.ETag, None));
        Assert.True(await store.TrySaveAsync("k", 7, null, None));
        Assert.Equal(["k"], (await store.GetManyAsync<int>(["k", "missing"], None)).Keys);
    }

    [Fact]
    public async Task Update_retries_on_a_concurrent_writer_and_gives_up_eventually()
    {
        var memory = new InMemoryConnectorStateStore();
        await memory.SaveAsync("k", 10, None);

        var result = await new InterferingStore(memory, interferences: 1).UpdateAsync<int>("k", current => current + 1, None);

        Assert.Equal(11, result);
        await Assert.ThrowsAsync<StateConflictException>(
            () => new InterferingStore(memory, interferences: 5).UpdateAsync<int>("k", current => current + 1, None, attempts: 3));
        Assert.Equal(11, (await memory.GetAsync<int>("k", None)).Value);
    }

    [Fact]
    public async Task Update_tries_exactly_the_number_of_attempts_and_names_the_key_it_gave_up_on()
    {
        var memory = new InMemoryConnectorStateStore();
        await memory.SaveAsync("tenant:contoso", 10, None);

        var conflict = await Assert.ThrowsAsync<StateConflictException>(
            () => new InterferingStore(memory, interferences: 3).UpdateAsync<int>("tenant:contoso", current => current + 1, None, attempts: 3));

        Assert.Equal("State key 'tenant:contoso' kept changing under us; giving up after several attempts.", conflict.Message);
        Assert.Equal(11, await new InterferingStore(memory, interferences: 7).UpdateAsync<int>("tenant:contoso", current => current + 1, None));
    }

    /// <summary>The Dapr client refuses an empty key and a cancelled call before it sends anything; so does the store the tests use.</summary>
    [Fact]
    public async Task The_in_memory_store_refuses_an_empty_key_and_a_cancelled_call_like_the_Dapr_client()
    {
        var store = new InMemoryConnectorStateStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync<int>("", None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync("", 1, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TrySaveAsync("", 1, null, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync("", None));
        Assert.Equal("keys", (await Assert.ThrowsAsync<ArgumentNullException>(() => store.GetManyAsync<int>(null!, None))).ParamName);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync<int>("k", cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetManyAsync<int>(["k"], cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SaveAsync("k", 1, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TrySaveAsync("k", 1, null, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.DeleteAsync("k", cancelled.Token));
        Assert.Empty(store.Keys);
    }

    /// <summary>Another writer that rewrites the key (new ETag) just before each of our first conditional saves.</summary>
    private sealed class InterferingStore(InMemoryConnectorStateStore inner, int interferences) : IConnectorStateStore
    {
        private int _left = interferences;

        public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken) => inner.GetAsync<T>(key, cancellationToken);

        public Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            inner.GetManyAsync<T>(keys, cancellationToken);

        public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken) => inner.SaveAsync(key, value, cancellationToken);

        public async Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
        {
            if (_left-- > 0)
            {
                var current = await inner.GetAsync<T>(key, cancellationToken);
                await inner.SaveAsync(key, current.Value, cancellationToken);
            }

            return await inner.TrySaveAsync(key, value, etag, cancellationToken);
        }

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }
}

public sealed class SyncCoreRegistrationTests
{
    [Fact]
    public void The_core_resolves_once_the_host_supplies_the_ports()
    {
        var services = new ServiceCollection()
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>))
            .AddSingleton<IConnectorStateStore, InMemoryConnectorStateStore>()
            .AddSingleton<IAcumaticaSource, FakeAcumaticaSource>()
            .AddSingleton<IZendeskTarget, FakeZendeskTarget>()
            .AddSyncCore(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<Engine.SyncEngine>(provider.GetRequiredService<ISyncEngine>());
        Assert.IsType<Tenants.TenantRepository>(provider.GetRequiredService<ITenantDirectory>());
    }

    [Fact]
    public void The_core_registers_every_store_with_the_retention_of_its_engine_options()
    {
        var services = new ServiceCollection()
            .AddSingleton<IConnectorStateStore, InMemoryConnectorStateStore>()
            .AddSyncCore(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Engine.SyncEngineOptions>>().Value;
        Assert.Same(options.Retention, provider.GetRequiredService<AuditRetention>());
        Assert.Same(provider.GetRequiredService<Tenants.TenantRepository>(), provider.GetRequiredService<ITenantDirectory>());
        Assert.NotNull(provider.GetRequiredService<Paging.CheckpointStore>());
        Assert.NotNull(provider.GetRequiredService<AuditTrail>());
        Assert.NotNull(provider.GetRequiredService<FailedRecordQueue>());
        Assert.NotNull(provider.GetRequiredService<OnboardingReport>());
        Assert.NotNull(provider.GetRequiredService<RunStore>());
        Assert.NotNull(provider.GetRequiredService<Alerts.AlertLedger>());
    }
}
