using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Ports;
using Dapr.Client;

namespace AcumaticaZendesk.SyncWorker.State;

/// <summary>
/// <see cref="IConnectorStateStore"/> over the Dapr state API (component <see cref="DaprNames.Components.StateStore"/>).
/// </summary>
/// <remarks>
/// <para>ETag-guarded writes use <see cref="DaprClient.TrySaveStateAsync{TValue}"/> with first-write concurrency:
/// the sidecar answers <c>Aborted</c> when the stored ETag moved on, which the SDK turns into <c>false</c>.</para>
/// <para>"Must not exist" (a null ETag) has no portable primitive in Dapr. It is sent as an <em>empty</em> ETag with
/// first-write concurrency, which the SQL and blob state stores (state.sqlite, state.postgresql, Azure Blob, Cosmos DB)
/// implement as insert-only (a second insert of the key is an ETag error, so <c>false</c>). Stores that treat an empty
/// ETag as "no check" (e.g. state.in-memory) would overwrite; callers that need exclusivity on such stores must read
/// back what they wrote (the sync lease does: it compares its random holder token after acquiring).</para>
/// </remarks>
public sealed class DaprConnectorStateStore(DaprClient dapr) : IConnectorStateStore
{
    private const string StoreName = DaprNames.Components.StateStore;

    private static readonly StateOptions FirstWrite = new()
    {
        Concurrency = ConcurrencyMode.FirstWrite,
        Consistency = ConsistencyMode.Strong,
    };

    public async Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var (value, etag) = await dapr.GetStateAndETagAsync<T>(StoreName, key, ConsistencyMode.Strong, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return new StateEntry<T>(value, string.IsNullOrEmpty(etag) ? null : etag);
    }

    public async Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return new Dictionary<string, T>(StringComparer.Ordinal);
        }

        var items = await dapr.GetBulkStateAsync<T>(StoreName, [.. keys], parallelism: null, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        var result = new Dictionary<string, T>(items.Count, StringComparer.Ordinal);
        foreach (var item in items)
        {
            // A missing key comes back as an item with no data (and no ETag): leave it out.
            if (item.Value is not null && !string.IsNullOrEmpty(item.ETag))
            {
                result[item.Key] = item.Value;
            }
        }

        return result;
    }

    public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return dapr.SaveStateAsync(StoreName, key, value, cancellationToken: cancellationToken);
    }

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return dapr.TrySaveStateAsync(StoreName, key, value, etag ?? string.Empty, FirstWrite, cancellationToken: cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return dapr.DeleteStateAsync(StoreName, key, cancellationToken: cancellationToken);
    }
}
