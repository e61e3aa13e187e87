using System.Globalization;
using System.Text.Json;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

/// <summary>An <see cref="IConnectorStateStore"/> with the Dapr ETag rules, values kept as JSON like the sidecar does.</summary>
internal sealed class InMemoryConnectorStateStore : IConnectorStateStore
{
    private readonly Dictionary<string, (string Json, string ETag)> entries = new(StringComparer.Ordinal);
    private int version;

    /// <summary>Called before every conditional write: lets a test change the key under the writer's feet.</summary>
    public Action<string>? BeforeConditionalWrite { get; set; }

    public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken)
    {
        lock (entries)
        {
            return Task.FromResult(entries.TryGetValue(key, out var e)
                ? new StateEntry<T>(JsonSerializer.Deserialize<T>(e.Json), e.ETag)
                : new StateEntry<T>(default, null));
        }
    }

    public Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        lock (entries)
        {
            IReadOnlyDictionary<string, T> result = keys.Where(entries.ContainsKey)
                .ToDictionary(k => k, k => JsonSerializer.Deserialize<T>(entries[k].Json)!, StringComparer.Ordinal);
            return Task.FromResult(result);
        }
    }

    public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken)
    {
        lock (entries)
        {
            entries[key] = (JsonSerializer.Serialize(value), NextETag());
        }

        return Task.CompletedTask;
    }

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
    {
        BeforeConditionalWrite?.Invoke(key);
        lock (entries)
        {
            var exists = entries.TryGetValue(key, out var current);
            if (etag is null ? exists : !exists || current.ETag != etag)
            {
                return Task.FromResult(false);
            }

            entries[key] = (JsonSerializer.Serialize(value), NextETag());
            return Task.FromResult(true);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        lock (entries)
        {
            entries.Remove(key);
        }

        return Task.CompletedTask;
    }

    private string NextETag() => (++version).ToString(CultureInfo.InvariantCulture);
}
