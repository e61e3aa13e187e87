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

        await audit.AppendAsync("t", "run-old", [new RecordAudit(record, "C1", 5, [new AuditEntry("run-old", time.GetUtcNow(), AuditAction.Created, 5)])], None);
        time.Advance(TimeSpan.FromDays(11));
        for (var i = 0; i < 4; i++)
        {
            await audit.AppendAsync("t", $"run-{i}", [new RecordAudit(record, "C1", null, [new AuditEntry($"run-{i}", time.GetUtcNow(), AuditAction.SkippedUnchanged)])], None);
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
        var error = new WriteError(WriteErrorKind.Other, "Unauthorized", "call with Authorization: Bearer eyJhbGciOi.secret.sig and access_token=abc123SECRET failed");
        var record = new RecordRef(EntityKind.Contact, "1");

        await new AuditTrail(store, retention, time).AppendAsync("t", "r", [new RecordAudit(record, "acu-contact:1", null, [new AuditEntry("r", time.GetUtcNow(), AuditAction.Failed, Error: error)])], None);
        await new FailedRecordQueue(store, retention).EnqueueAsync("t", [new FailedRecord(EntityKind.Contact, "1", "r", time.GetUtcNow(), time.GetUtcNow(), 1, error)], None);

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
    public async Task A_run_that_ends_before_its_first_page_is_listed_with_the_others()
    {
        var runs = new RunStore(new InMemoryConnectorStateStore(), new FakeTimeProvider(TestData.T0));
        await runs.RecordPageAsync("contoso", "r1", false, EntityKind.Customer, new SyncPageResult(EntityKind.Customer, 1, 1, 0, 0, 0, 0, false, TestData.T0), null, 0, true, None);
        await runs.CompleteAsync("contoso", "r1", RunStatus.Completed, null, None);

        await runs.CompleteAsync("contoso", "r2", RunStatus.Failed, "the tenant needs a new Acumatica authorization", None);
        await runs.CompleteAsync("contoso", "r2", RunStatus.Completed, null, None);

        var listed = await runs.ListAsync("contoso", 10, None);
        Assert.Equal(["r2", "r1"], listed.Select(r => r.RunId));
        Assert.Equal(RunStatus.Failed, listed[0].Status);
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
        await Assert.ThrowsAsync<StateConflictException>(() => new InterferingStore(memory, interferences: 5).UpdateAsync<int>("k", current => current + 1, None, attempts: 3));
        Assert.Equal(11, (await memory.GetAsync<int>("k", None)).Value);
    }

    /// <summary>Another writer that rewrites the key (new ETag) just before each of our first conditional saves.</summary>
    private sealed class InterferingStore(InMemoryConnectorStateStore inner, int interferences) : IConnectorStateStore
    {
        private int _left = interferences;

        public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken) => inner.GetAsync<T>(key, cancellationToken);

        public Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => inner.GetManyAsync<T>(keys, cancellationToken);

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
            .AddSingleton<IAcumaticaSource, Fakes.FakeAcumaticaSource>()
            .AddSingleton<IZendeskTarget, Fakes.FakeZendeskTarget>()
            .AddSyncCore(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider(validateScopes: true);

        Assert.IsType<Engine.SyncEngine>(provider.GetRequiredService<ISyncEngine>());
        Assert.IsType<Tenants.TenantRepository>(provider.GetRequiredService<ITenantDirectory>());
    }
}
