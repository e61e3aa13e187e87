using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;

namespace AcumaticaZendesk.Sync.Paging;

/// <summary>Checkpoints per tenant and kind, with the watermark history operators see.</summary>
public sealed class CheckpointStore(IConnectorStateStore store, TimeProvider timeProvider)
{
    public const int HistoryLimit = 100;

    public async Task<StateEntry<PageCheckpoint>> GetAsync(string tenantId, EntityKind kind, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync<PageCheckpoint>(StateKeys.Checkpoint(tenantId, kind), cancellationToken).ConfigureAwait(false);
        return entry with { Value = entry.Value ?? new PageCheckpoint() };
    }

    /// <summary>Commits a checkpoint read with <paramref name="etag"/>; false when someone else committed in between.</summary>
    public Task<bool> TryCommitAsync(string tenantId, EntityKind kind, PageCheckpoint checkpoint, string? etag, CancellationToken cancellationToken) =>
        store.TrySaveAsync(StateKeys.Checkpoint(tenantId, kind), checkpoint, etag, cancellationToken);

    public async Task<IReadOnlyList<WatermarkChange>> GetHistoryAsync(string tenantId, EntityKind kind, CancellationToken cancellationToken) =>
        (await store.GetAsync<List<WatermarkChange>>(StateKeys.CheckpointHistory(tenantId, kind), cancellationToken).ConfigureAwait(false)).Value ?? [];

    public Task RecordAsync(string tenantId, EntityKind kind, WatermarkChange change, CancellationToken cancellationToken) =>
        store.UpdateAsync<List<WatermarkChange>>(
            StateKeys.CheckpointHistory(tenantId, kind),
            history => [.. (history ?? []).Prepend(change).Take(HistoryLimit)],
            cancellationToken);

    /// <summary>Operator action: moves the watermark to force a re-read, abandons the current window and records who and why.</summary>
    public async Task ResetAsync(string tenantId, EntityKind kind, DateTimeOffset? watermark, string by, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        DateTimeOffset? previous = null;
        await store.UpdateAsync<PageCheckpoint>(
            StateKeys.Checkpoint(tenantId, kind),
            current =>
            {
                previous = current?.Watermark;
                return new PageCheckpoint
                {
                    Watermark = watermark,
                    InitialLoadCompleted = current?.InitialLoadCompleted ?? false,
                    LastCommittedAt = timeProvider.GetUtcNow(),
                };
            },
            cancellationToken).ConfigureAwait(false);
        var change = new WatermarkChange(timeProvider.GetUtcNow(), previous, watermark, reason, by, null);
        await RecordAsync(tenantId, kind, change, cancellationToken).ConfigureAwait(false);
    }
}
