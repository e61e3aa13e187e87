using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>
/// Every state call is a round trip to the Dapr sidecar (and on to the store): a page writes its records' targets, audit
/// histories and Zendesk-id index entries in bulk, so its state calls do not grow with its records. (One call per record,
/// or three for an index entry, took a 24,501-record load from 18 s to 128 s at 2 ms a call: docs/benchmark.md.)
/// </summary>
public sealed class StateCallsPerPageTests
{
    [Fact]
    public async Task A_page_of_sixty_records_makes_as_many_state_calls_as_a_page_of_six()
    {
        var six = await FirstLoadCallsAsync(accounts: 3);
        var sixty = await FirstLoadCallsAsync(accounts: 30);

        Assert.Equal(six, sixty);
        Assert.InRange(sixty, 1, 120); // the calls of a handful of pages and checkpoints, not of 60 records
    }

    /// <summary>A first load of <paramref name="accounts"/> customers with one contact each, each kind one page: the state calls it made.</summary>
    private static async Task<long> FirstLoadCallsAsync(int accounts)
    {
        var memory = new InMemoryConnectorStateStore();
        var store = new CallCountingStore(memory);
        var h = new EngineHarness(store: store, memory: memory);
        await h.SaveTenantAsync();
        for (var i = 0; i < accounts; i++)
        {
            h.Source.Upsert(Customer($"C{i}", $"Account {i}", T0.AddMinutes(i)));
            h.Source.Upsert(Contact($"{i}", "Ann", $"Lee{i}", $"ann{i}@x.example", $"C{i}", T0.AddMinutes(i)));
        }

        var before = store.Calls;
        var results = await h.RunAsync("run-1", pageSize: 100, kinds: [EntityKind.Customer, EntityKind.Contact]);

        Assert.Equal(2 * accounts, results.Created());
        return store.Calls - before;
    }

    /// <summary>Counts calls as the Dapr store makes them: a bulk read, a bulk save and a bulk update are one call each.</summary>
    private sealed class CallCountingStore(InMemoryConnectorStateStore inner) : IConnectorStateStore
    {
        private long _calls;

        public long Calls => Interlocked.Read(ref _calls);

        public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken) => Count(inner.GetAsync<T>(key, cancellationToken));

        public Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            Count(inner.GetManyAsync<T>(keys, cancellationToken));

        public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken) => Count(inner.SaveAsync(key, value, cancellationToken));

        public Task SaveManyAsync<T>(IReadOnlyList<KeyValuePair<string, T>> items, CancellationToken cancellationToken) =>
            Count(((IConnectorStateStore)inner).SaveManyAsync(items, cancellationToken));

        public Task UpdateManyAsync<T>(IReadOnlyCollection<string> keys, Func<string, T?, T> update, CancellationToken cancellationToken) =>
            Count(((IConnectorStateStore)inner).UpdateManyAsync(keys, update, cancellationToken));

        public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken) =>
            Count(inner.TrySaveAsync(key, value, etag, cancellationToken));

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => Count(inner.DeleteAsync(key, cancellationToken));

        private T Count<T>(T call)
        {
            Interlocked.Increment(ref _calls);
            return call;
        }
    }
}
