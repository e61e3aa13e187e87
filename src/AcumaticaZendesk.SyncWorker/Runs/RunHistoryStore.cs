using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Workflows;

namespace AcumaticaZendesk.SyncWorker.Runs;

/// <summary>A tenant's most recent runs, newest first (state key <c>sync-runs:{tenant}</c>).</summary>
public sealed record RunHistory(IReadOnlyList<SyncRunSummary> Runs)
{
    public static readonly RunHistory Empty = new([]);
}

/// <summary>Keeps the last <see cref="MaxRuns"/> run summaries per tenant, updated with ETags, de-duplicated by run id.</summary>
public sealed class RunHistoryStore(IConnectorStateStore store)
{
    public const int MaxRuns = 50;
    private const int MaxAttempts = 5;

    public static string Key(string tenantId) => $"sync-runs:{tenantId}";

    public async Task<RunHistory> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var (history, _) = await store.GetAsync<RunHistory>(Key(tenantId), cancellationToken).ConfigureAwait(false);
        return history ?? RunHistory.Empty;
    }

    /// <summary>Adds (or replaces, for a redelivered event) the run. Returns false when the run was recorded already.</summary>
    public async Task<bool> RecordAsync(SyncRunSummary run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var key = Key(run.TenantId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var (history, etag) = await store.GetAsync<RunHistory>(key, cancellationToken).ConfigureAwait(false);
            var runs = history?.Runs ?? [];
            if (runs.Any(r => r.RunId == run.RunId && r.CompletedAt == run.CompletedAt))
            {
                return false;
            }

            var updated = new RunHistory(
                [run, .. runs.Where(r => r.RunId != run.RunId).Take(MaxRuns - 1)]);
            if (await store.TrySaveAsync(key, updated, etag, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        throw new InvalidOperationException(
            $"The run history of tenant '{run.TenantId}' kept changing while run '{run.RunId}' was recorded ({MaxAttempts} attempts)");
    }
}
