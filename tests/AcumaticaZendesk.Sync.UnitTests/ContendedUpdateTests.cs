using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>
/// A key every page of a run updates (the run's page counter) is contended by as many writers as pages in flight. Each
/// read-modify-write is two sidecar round trips, so writers that retry at once keep colliding: a lost ETag race waits a
/// random, growing moment before it reads again.
/// </summary>
public sealed class ContendedUpdateTests
{
    [Fact]
    public async Task Sixteen_writers_updating_one_key_over_a_store_with_round_trips_all_land()
    {
        var store = new SlowStore(new InMemoryConnectorStateStore(), TimeSpan.FromMilliseconds(2));

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(
            () => store.UpdateAsync<int>("audit:t:run:r", count => count + 1, TestContext.Current.CancellationToken))));

        Assert.Equal(16, (await store.GetAsync<int>("audit:t:run:r", TestContext.Current.CancellationToken)).Value);
    }

    [Fact]
    public async Task Pages_of_kinds_side_by_side_record_into_one_run_taking_turns_in_this_process_so_no_write_is_refused()
    {
        var store = new SlowStore(new InMemoryConnectorStateStore(), TimeSpan.FromMilliseconds(2));
        var runs = new RunStore(store, TimeProvider.System);
        var page = new SyncPagesResult(EntityKind.Vendor, SyncCounts.None with { Pages = 1, Read = 1, Created = 1 }, HasMore: true, Watermark: null);

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
        {
            var kind = i % 2 == 0 ? EntityKind.Vendor : EntityKind.Employee;
            return runs.RecordPageAsync("t", "r", dryRun: false, kind, page with { Kind = kind }, null, 0, false, TestContext.Current.CancellationToken);
        })));

        var run = await runs.GetAsync("t", "r", TestContext.Current.CancellationToken);
        Assert.Equal(12, run!.Totals.Created);
        Assert.Equal(0, store.Refused); // each refused write counts against daprd's circuit breaker
    }

    /// <summary>Every call waits <paramref name="latency"/> first, as a call to the Dapr sidecar does; refused conditional writes are counted.</summary>
    private sealed class SlowStore(InMemoryConnectorStateStore inner, TimeSpan latency) : IConnectorStateStore
    {
        private int _refused;

        public int Refused => Volatile.Read(ref _refused);

        public async Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken)
        {
            await Task.Delay(latency, cancellationToken);
            return await inner.GetAsync<T>(key, cancellationToken);
        }

        public Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            inner.GetManyAsync<T>(keys, cancellationToken);

        public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken) => inner.SaveAsync(key, value, cancellationToken);

        public async Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
        {
            await Task.Delay(latency, cancellationToken);
            var saved = await inner.TrySaveAsync(key, value, etag, cancellationToken);
            if (!saved)
            {
                Interlocked.Increment(ref _refused);
            }

            return saved;
        }

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }
}
