using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.State;

/// <summary>Thrown when an optimistic (ETag) update keeps losing to other writers.</summary>
public sealed class StateConflictException(string key)
    : Exception($"State key '{key}' kept changing under us; giving up after several attempts.")
{
    public string Key { get; } = key;
}

public static class StateStoreExtensions
{
    /// <summary>ETag-guarded read-modify-write, retried a few times before <see cref="StateConflictException"/>; returns the value written.</summary>
    public static async Task<T> UpdateAsync<T>(
        this IConnectorStateStore store, string key, Func<T?, T> update, CancellationToken cancellationToken, int attempts = 8)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(update);
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var current = await store.GetAsync<T>(key, cancellationToken).ConfigureAwait(false);
            var next = update(current.Value);
            if (await store.TrySaveAsync(key, next, current.ETag, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
        }

        throw new StateConflictException(key);
    }
}
