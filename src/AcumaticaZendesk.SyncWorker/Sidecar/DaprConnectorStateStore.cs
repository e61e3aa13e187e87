using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.ServiceDefaults;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using Dapr.Client;

namespace AcumaticaZendesk.SyncWorker.Sidecar;

/// <summary>The Dapr state API; writes go through <see cref="DaprStateWrites"/>, so they mean the same on every state store.</summary>
public sealed class DaprConnectorStateStore(DaprClient dapr) : IConnectorStateStore
{
    private const string StoreName = DaprNames.Components.StateStore;

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
        return dapr.SaveStateLastWriteAsync(StoreName, key, value, cancellationToken);
    }

    /// <summary>In bulk (<see cref="DaprStateWrites.UpdateStateManyAsync{T}"/>); <c>SaveManyAsync</c> comes here too.</summary>
    public Task UpdateManyAsync<T>(IReadOnlyCollection<string> keys, Func<string, T?, T> update, CancellationToken cancellationToken) =>
        dapr.UpdateStateManyAsync(
            StoreName, keys, update, (key, ct) => this.UpdateAsync<T>(key, current => update(key, current), ct), cancellationToken);

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return etag is null
            ? dapr.TryInsertStateAsync(StoreName, key, value, cancellationToken)
            : dapr.TryReplaceStateAsync(StoreName, key, value, etag, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return dapr.DeleteStateAsync(StoreName, key, cancellationToken: cancellationToken);
    }
}
