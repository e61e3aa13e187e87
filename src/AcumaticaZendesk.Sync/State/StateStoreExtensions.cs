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
    /// <summary>The longest random wait after a lost ETag race (the waits grow 2, 4, 8 … ms up to this).</summary>
    internal static readonly TimeSpan MaxConflictBackoff = TimeSpan.FromMilliseconds(64);

    /// <summary>
    /// ETag-guarded read-modify-write, retried a few times before <see cref="StateConflictException"/>; returns the value
    /// written. After a lost race it waits a random moment up to 2, 4, 8 … ms (at most <see cref="MaxConflictBackoff"/>)
    /// before reading again: a key every page in flight updates (a run's page counter) has as many writers as pages, and
    /// writers that retry at once, each read and write a sidecar round trip, would keep colliding.
    /// </summary>
    public static async Task<T> UpdateAsync<T>(
        this IConnectorStateStore store, string key, Func<T?, T> update, CancellationToken cancellationToken, int attempts = 8)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(update);
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            if (attempt > 0)
            {
                var ceiling = Math.Min(2 << attempt, MaxConflictBackoff.TotalMilliseconds);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling), cancellationToken).ConfigureAwait(false);
            }

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
