using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace AcumaticaZendesk.ServiceDefaults;

/// <summary>
/// The one way the apps write Dapr state under a condition, so that every state store the deployment may use
/// gives the same answer and no write fails in the sidecar for a reason the app expected:
/// <list type="bullet">
/// <item><b>Replace (ETag):</b> the stored ETag must still match; a mismatch is <c>Aborted</c> on every store
/// (sqlite, postgresql v2, redis, Cosmos DB), which <see cref="DaprClient.TrySaveStateAsync{TValue}"/> turns into false.</item>
/// <item><b>Insert only:</b> Dapr has no portable "must not exist". An empty ETag with first-write concurrency is
/// insert-only everywhere, but a taken key is an ETag error (<c>Aborted</c>) only on sqlite and Cosmos DB:
/// state.postgresql v2 answers "no item was updated" and state.redis "failed to set key", which daprd returns as
/// <c>Internal</c>, retries under the resiliency policy and counts against the component's circuit breaker. So the
/// key is read first and the insert is sent only when it is absent; a concurrent insert that still wins in between is
/// recognised by reading the key again.</item>
/// <item><b>Last write wins:</b> on state.redis a key once written with first-write concurrency refuses every later
/// write without its ETag, so an unconditional save is a read followed by an ETag-guarded write (repeated when
/// another writer got in between).</item>
/// </list>
/// (components-contrib <c>state/postgresql/v2/postgresql.go</c> <c>doSet</c>, <c>state/redis/redis.go</c>
/// <c>setDefaultQuery</c>, <c>state/sqlite/sqlite_dbaccess.go</c>, <c>state/azure/cosmosdb/cosmosdb.go</c>; dapr
/// <c>pkg/api/grpc/grpc.go</c> <c>getStateErrorCode</c>.)
/// </summary>
public static class DaprStateWrites
{
    /// <summary>Attempts of an unconditional save before it gives up on a key that keeps changing.</summary>
    public const int MaxReplaceAttempts = 8;

    private static readonly StateOptions Guarded = new()
    {
        Concurrency = ConcurrencyMode.FirstWrite,
        Consistency = ConsistencyMode.Strong,
    };

    /// <summary>The key's current ETag, or null when the key does not exist.</summary>
    public static async Task<string?> GetETagAsync(this DaprClient dapr, string storeName, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dapr);
        var (_, etag) = await dapr.GetByteStateAndETagAsync(storeName, key, ConsistencyMode.Strong, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return string.IsNullOrEmpty(etag) ? null : etag;
    }

    /// <summary>Writes only if the stored ETag is still <paramref name="etag"/>; false when another writer moved it on.</summary>
    public static Task<bool> TryReplaceStateAsync<T>(
        this DaprClient dapr, string storeName, string key, T value, string etag, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(dapr);
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return dapr.TrySaveStateAsync(storeName, key, value, etag, Guarded, metadata, cancellationToken);
    }

    /// <summary>Writes only if the key does not exist; false when it does (or a concurrent insert won).</summary>
    public static async Task<bool> TryInsertStateAsync<T>(
        this DaprClient dapr, string storeName, string key, T value, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(dapr);
        return await dapr.GetETagAsync(storeName, key, cancellationToken).ConfigureAwait(false) is null
            && await InsertAbsentAsync(dapr, storeName, key, value, metadata, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The insert itself, for a key just read as absent.</summary>
    private static async Task<bool> InsertAbsentAsync<T>(
        DaprClient dapr, string storeName, string key, T value, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        try
        {
            return await dapr.TrySaveStateAsync(storeName, key, value, string.Empty, Guarded, metadata, cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.Internal })
        {
            // postgresql v2 and redis report a taken key as a plain failure: it is one only if the key is still absent.
            if (await dapr.GetETagAsync(storeName, key, cancellationToken).ConfigureAwait(false) is not null)
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>Keys one bulk write carries (one <c>GetBulkState</c> for their ETags, one <c>SaveState</c> with them all).</summary>
    public const int BulkWriteSize = 100;

    /// <summary>
    /// Read-modify-write of many keys in two sidecar calls per <see cref="BulkWriteSize"/> keys instead of two or three per
    /// key: their values and ETags in one <c>GetBulkState</c>, then one <c>SaveState</c> carrying every key as an
    /// ETag-guarded replace or an insert (empty ETag, first-write). daprd hands several items to the store's
    /// <c>BulkSet</c>, which is not atomic and does not say which key failed (dapr <c>pkg/api/grpc/grpc.go</c>
    /// <c>SaveState</c>; components-contrib <c>state/bulk.go</c>), so after a refused bulk write (a key changed in between, or
    /// an insert refused by a store that reports a taken key as a plain failure) <paramref name="fallback"/> updates each key
    /// of that chunk alone; <paramref name="update"/> must give the same answer when called again.
    /// </summary>
    public static async Task UpdateStateManyAsync<T>(
        this DaprClient dapr,
        string storeName,
        IReadOnlyCollection<string> keys,
        Func<string, T?, T> update,
        Func<string, CancellationToken, Task> fallback,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dapr);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(fallback);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(BulkWriteSize))
        {
            var current = await dapr.GetBulkStateAsync<T>(storeName, chunk, parallelism: null, cancellationToken: cancellationToken).ConfigureAwait(false);
            var read = current.ToDictionary(c => c.Key, StringComparer.Ordinal);
            var writes = chunk.Select(key =>
            {
                // A missing key comes back as an item with no data and no ETag: an insert.
                var etag = read.TryGetValue(key, out var stored) && !string.IsNullOrEmpty(stored.ETag) ? stored.ETag : string.Empty;
                return new SaveStateItem<T>(key, update(key, etag.Length == 0 ? default : stored.Value), etag, Guarded);
            }).ToList();
            try
            {
                await dapr.SaveBulkStateAsync(storeName, writes, cancellationToken).ConfigureAwait(false);
            }
            catch (DaprException)
            {
                foreach (var key in chunk)
                {
                    await fallback(key, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Writes whatever is stored (last write wins), as an ETag-guarded replace or an insert.</summary>
    public static async Task SaveStateLastWriteAsync<T>(
        this DaprClient dapr, string storeName, string key, T value, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(dapr);
        for (var attempt = 1; attempt <= MaxReplaceAttempts; attempt++)
        {
            var etag = await dapr.GetETagAsync(storeName, key, cancellationToken).ConfigureAwait(false);
            var written = etag is null
                ? await InsertAbsentAsync(dapr, storeName, key, value, metadata, cancellationToken).ConfigureAwait(false)
                : await dapr.TryReplaceStateAsync(storeName, key, value, etag, cancellationToken, metadata).ConfigureAwait(false);
            if (written)
            {
                return;
            }
        }

        throw new InvalidOperationException(
            $"State key '{key}' in store '{storeName}' kept changing while it was being saved ({MaxReplaceAttempts} attempts)");
    }
}
