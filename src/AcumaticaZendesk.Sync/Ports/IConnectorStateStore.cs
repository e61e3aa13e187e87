namespace AcumaticaZendesk.Sync.Ports;

/// <summary>A value read from the state store with the ETag that guards the next write.</summary>
public sealed record StateEntry<T>(T? Value, string? ETag);

/// <summary>
/// The key/value state the connector keeps (tenants, watermarks, leases, audit trail, replay queue).
/// In production this is the Dapr state store (<c>connector-state</c>); in tests an in-memory store.
/// The Dapr state API cannot list keys, so anything that must be enumerated keeps an index entry.
/// </summary>
public interface IConnectorStateStore
{
    Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken);

    /// <summary>Reads several keys in one call; missing keys are absent from the result.</summary>
    Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Writes unconditionally (last write wins).</summary>
    Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken);

    /// <summary>
    /// Writes only if the stored ETag still equals <paramref name="etag"/> (first-write when it is null:
    /// the key must not exist). Returns false when another writer got there first.
    /// </summary>
    Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
