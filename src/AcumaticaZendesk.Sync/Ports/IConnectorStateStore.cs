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

    /// <summary>Writes only if the stored ETag equals <paramref name="etag"/> (null: the key must not exist); false when another writer won.</summary>
    Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
