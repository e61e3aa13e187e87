using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.State;

/// <summary>
/// The state store in memory, with the Dapr store's ETag semantics. Values are stored as JSON (web defaults, like the
/// Dapr client), so a type that would not survive the real store fails here too, and callers never share instances.
/// </summary>
public sealed class InMemoryConnectorStateStore : IConnectorStateStore
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, (byte[] Json, string ETag)> _items = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private long _version;

    /// <summary>Keys currently stored (for tests and diagnostics).</summary>
    public IReadOnlyCollection<string> Keys => _items.Keys.ToArray();

    /// <summary>Raw stored bytes of a key (tests assert that secrets never appear in them).</summary>
    public byte[]? GetRaw(string key) => _items.TryGetValue(key, out var item) ? item.Json : null;

    public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_items.TryGetValue(key, out var item)
            ? new StateEntry<T>(JsonSerializer.Deserialize<T>(item.Json, JsonOptions), item.ETag)
            : new StateEntry<T>(default, null));
    }

    public Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            if (_items.TryGetValue(key, out var item) && JsonSerializer.Deserialize<T>(item.Json, JsonOptions) is { } value)
            {
                result[key] = value;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, T>>(result);
    }

    public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var json = JsonSerializer.SerializeToUtf8Bytes(value, JsonOptions);
        lock (_writeLock)
        {
            _items[key] = (json, NextETag());
        }

        return Task.CompletedTask;
    }

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var json = JsonSerializer.SerializeToUtf8Bytes(value, JsonOptions);
        lock (_writeLock)
        {
            var exists = _items.TryGetValue(key, out var current);
            var matches = etag is null ? !exists : exists && string.Equals(current.ETag, etag, StringComparison.Ordinal);
            if (!matches)
            {
                return Task.FromResult(false);
            }

            _items[key] = (json, NextETag());
            return Task.FromResult(true);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            _items.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }

    private string NextETag() => (++_version).ToString(CultureInfo.InvariantCulture);
}
