using AcumaticaZendesk.Sync.State;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>A value read from the state store with the ETag that guards the next write.</summary>
public sealed record StateEntry<T>(T? Value, string? ETag);

/// <summary>
/// The connector's key/value state: the Dapr state store (<c>connector-state</c>), in tests an in-memory one. The Dapr
/// state API cannot list keys, so anything that must be enumerated keeps an index entry.
/// </summary>
public interface IConnectorStateStore
{
    Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken);

    /// <summary>Reads several keys in one call; missing keys are absent from the result.</summary>
    Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Writes unconditionally (last write wins).</summary>
    Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken);

    /// <summary>
    /// Writes several keys unconditionally (last write wins for each) in as few calls as the store allows: a page's
    /// records are saved in one call, not one call each. Not atomic: after a failure some keys may be written (every
    /// write is idempotent; the caller's page is retried).
    /// </summary>
    Task SaveManyAsync<T>(IReadOnlyList<KeyValuePair<string, T>> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var values = items.GroupBy(i => i.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        return UpdateManyAsync<T>(values.Keys, (key, _) => values[key], cancellationToken);
    }

    /// <summary>
    /// Read-modify-write of several keys (<paramref name="update"/> gets each key's current value, null when absent, and
    /// must give the same answer when called again: a key that changed in between is updated again). A store that can,
    /// reads and writes them all in bulk under their ETags; default: <see cref="StateStoreExtensions.UpdateAsync{T}"/> key
    /// by key, a few at a time. Not atomic.
    /// </summary>
    async Task UpdateManyAsync<T>(IReadOnlyCollection<string> keys, Func<string, T?, T> update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(update);
        await Parallel.ForEachAsync(
            keys.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (key, ct) => await this.UpdateAsync<T>(key, current => update(key, current), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Writes only if the stored ETag equals <paramref name="etag"/> (null: the key must not exist); false when another writer won.</summary>
    Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
