using AcumaticaZendesk.ServiceDefaults;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>
/// The in-memory state store as the worker meets the Dapr one (<c>DaprConnectorStateStore</c> over
/// <c>DaprStateWrites</c>): each sidecar call it would make waits <c>--state-latency-ms</c> (a round trip to the sidecar and
/// on to the store; Dapr's own state benchmark measures 0.75 ms p90 added by the sidecar over the store's latency,
/// docs/benchmark.md) and is counted, so a phase can report sidecar calls per record. A read is one call, a bulk read one;
/// an unconditional save or an insert two (the ETag read first); a replace under an ETag one; a save of many keys two
/// per <see cref="DaprStateWrites.BulkWriteSize"/> keys.
/// </summary>
internal sealed class LatentStateStore(IConnectorStateStore inner, TimeSpan latency) : IConnectorStateStore
{
    private long _operations;

    /// <summary>Sidecar state calls so far.</summary>
    public long Operations => Interlocked.Read(ref _operations);

    public async Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken)
    {
        await RoundTripAsync(cancellationToken).ConfigureAwait(false);
        return await inner.GetAsync<T>(key, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await RoundTripAsync(cancellationToken).ConfigureAwait(false);
        return await inner.GetManyAsync<T>(keys, cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken)
    {
        await RoundTripAsync(cancellationToken, calls: 2).ConfigureAwait(false);
        await inner.SaveAsync(key, value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One <c>GetBulkState</c> and one <c>SaveState</c> per <see cref="DaprStateWrites.BulkWriteSize"/> keys (<c>SaveManyAsync</c>
    /// comes here too).
    /// </summary>
    public async Task UpdateManyAsync<T>(IReadOnlyCollection<string> keys, Func<string, T?, T> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
            return;
        var chunks = (keys.Count + DaprStateWrites.BulkWriteSize - 1) / DaprStateWrites.BulkWriteSize;
        await RoundTripAsync(cancellationToken, calls: 2 * chunks).ConfigureAwait(false);
        await inner.UpdateManyAsync(keys, update, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
    {
        await RoundTripAsync(cancellationToken, calls: etag is null ? 2 : 1).ConfigureAwait(false);
        return await inner.TrySaveAsync(key, value, etag, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await RoundTripAsync(cancellationToken).ConfigureAwait(false);
        await inner.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><paramref name="calls"/> sidecar calls one after another.</summary>
    private Task RoundTripAsync(CancellationToken cancellationToken, int calls = 1)
    {
        Interlocked.Add(ref _operations, calls);
        // Below the timer's resolution (a scaled run's share of a round trip) a delay would cost a whole tick: none.
        return latency >= TimeSpan.FromMilliseconds(1) ? Task.Delay(latency * calls, cancellationToken) : Task.CompletedTask;
    }
}
