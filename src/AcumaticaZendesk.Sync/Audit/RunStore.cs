using System.Text.Json.Serialization;
using AcumaticaZendesk.Sync.Json;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Telemetry;

namespace AcumaticaZendesk.Sync.Audit;

[JsonConverter(typeof(KebabEnumConverter<RunStatus>))]
public enum RunStatus
{
    Running,
    Completed,

    /// <summary>Finished, but some records failed (they are in the replay queue).</summary>
    CompletedWithFailures,
    Failed,
    Terminated,
}

/// <summary>Progress of one kind within a run; <see cref="Duplicates"/> are page-edge re-reads, left out of <see cref="Counts"/>.</summary>
public sealed record KindProgress(
    DateTimeOffset? FromWatermark,
    DateTimeOffset? ToWatermark,
    SyncCounts Counts,
    int Duplicates,
    bool WindowClosed);

/// <summary>A run as the operator sees it (<c>runs:{tenant}:{runId}</c>).</summary>
public sealed record RunRecord(
    string RunId,
    string TenantId,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    RunStatus Status,
    bool DryRun,
    IReadOnlyDictionary<string, KindProgress> Kinds,
    IReadOnlyList<string> Errors)
{
    [JsonIgnore]
    public SyncCounts Totals => SyncCounts.Sum(Kinds.Values.Select(k => k.Counts));
}

/// <summary>
/// The one record of each run, plus an index of the last <see cref="IndexLimit"/> (an older run is deleted as it leaves
/// the index): started when scheduled, filled page by page, finished by the workflow or the operator. Replays, which no
/// workflow runs, are created by their first page.
/// </summary>
public sealed class RunStore(IConnectorStateStore store, TimeProvider timeProvider)
{
    public const int IndexLimit = 500;
    public const int ErrorLimit = 50;

    /// <summary>
    /// A run's record is updated by every page of the kinds paging side by side: in this process they take turns (a lost ETag
    /// race is a refused write, which daprd's circuit breaker counts; the many-tenants bench saw 1.2 a run and the breaker open).
    /// </summary>
    private readonly KeyedLocks records = new();

    /// <summary>Lists a just-scheduled run as running (nothing read yet); a run recorded already is left as it is.</summary>
    public async Task StartAsync(string tenantId, string runId, CancellationToken cancellationToken)
    {
        var key = StateKeys.Run(tenantId, runId);
        if ((await store.GetAsync<RunRecord>(key, cancellationToken).ConfigureAwait(false)).Value is null
            && await store.TrySaveAsync(key, NewRun(tenantId, runId, false, timeProvider.GetUtcNow()), null, cancellationToken).ConfigureAwait(false))
        {
            await AddToIndexAsync(tenantId, runId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds one page's counts to the run (creating the run record on its first page).</summary>
    public async Task RecordPageAsync(
        string tenantId,
        string runId,
        bool dryRun,
        EntityKind kind,
        SyncPagesResult page,
        DateTimeOffset? fromWatermark,
        int duplicates,
        bool windowClosed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var now = timeProvider.GetUtcNow();
        var created = false;
        using var turn = await records.AcquireAsync(StateKeys.Run(tenantId, runId), cancellationToken).ConfigureAwait(false);
        await store.UpdateAsync<RunRecord>(StateKeys.Run(tenantId, runId), run =>
        {
            created = run is null;
            run ??= NewRun(tenantId, runId, dryRun, now);
            var name = kind.ToString().ToLowerInvariant();
            var before = run.Kinds.GetValueOrDefault(name) ?? new KindProgress(fromWatermark, null, SyncCounts.None, 0, false);
            var after = before with
            {
                ToWatermark = page.Watermark ?? before.ToWatermark,
                Counts = before.Counts.Add(page.Counts),
                Duplicates = before.Duplicates + duplicates,
                WindowClosed = windowClosed,
            };
            var kinds = new Dictionary<string, KindProgress>(run.Kinds) { [name] = after };
            return run with { UpdatedAt = now, Kinds = kinds };
        }, cancellationToken).ConfigureAwait(false);
        if (!dryRun)
        {
            SyncMetrics.PageCommitted(tenantId, kind, page);
        }

        if (created)
        {
            await AddToIndexAsync(tenantId, runId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks a run finished: completed becomes completed-with-failures when records failed; a failed run stays failed.</summary>
    public async Task<RunRecord> CompleteAsync(string tenantId, string runId, RunStatus status, string? error, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var created = false;
        using var turn = await records.AcquireAsync(StateKeys.Run(tenantId, runId), cancellationToken).ConfigureAwait(false);
        var run = await store.UpdateAsync<RunRecord>(StateKeys.Run(tenantId, runId), run =>
        {
            created = run is null;
            run ??= NewRun(tenantId, runId, false, now);
            // A run the engine already ended as failed (e.g. the tenant needs a new authorization) stays failed when
            // the workflow, which only sees empty pages after that, reports it completed.
            var final = run.Status == RunStatus.Failed && status is RunStatus.Completed or RunStatus.CompletedWithFailures
                ? RunStatus.Failed
                : status == RunStatus.Completed && run.Totals.Failed > 0 ? RunStatus.CompletedWithFailures : status;
            var errors = error is null ? run.Errors : [.. run.Errors.Append(SecretScrubber.Scrub(error, 1_000)!).TakeLast(ErrorLimit)];
            return run with { Status = final, FinishedAt = now, UpdatedAt = now, Errors = errors };
        }, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            // A run that ends before its first page (the tenant's authorization was refused, say) is listed too.
            await AddToIndexAsync(tenantId, runId, cancellationToken).ConfigureAwait(false);
        }

        SyncMetrics.RunFinished(run);
        return run;
    }

    private static RunRecord NewRun(string tenantId, string runId, bool dryRun, DateTimeOffset now) =>
        new(runId, tenantId, now, now, null, RunStatus.Running, dryRun, new Dictionary<string, KindProgress>(), []);

    /// <summary>
    /// Lists the run first; a run that falls off the end of the index is deleted with its pages of record references
    /// (the state would otherwise grow by a run every interval for good; records keep their own histories).
    /// </summary>
    private async Task AddToIndexAsync(string tenantId, string runId, CancellationToken cancellationToken)
    {
        string[] dropped = [];
        await store.UpdateAsync<List<string>>(
            StateKeys.RunIndex(tenantId),
            index =>
            {
                if (index is not null && index.Contains(runId))
                {
                    dropped = [];
                    return index;
                }

                var listed = (index ?? []).Prepend(runId).ToList();
                dropped = [.. listed.Skip(IndexLimit)];
                return [.. listed.Take(IndexLimit)];
            },
            cancellationToken).ConfigureAwait(false);
        foreach (var old in dropped)
        {
            await store.DeleteAsync(StateKeys.Run(tenantId, old), cancellationToken).ConfigureAwait(false);
            await AuditTrail.ForgetRunAsync(store, tenantId, old, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<RunRecord?> GetAsync(string tenantId, string runId, CancellationToken cancellationToken) =>
        (await store.GetAsync<RunRecord>(StateKeys.Run(tenantId, runId), cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Most recent runs first.</summary>
    public async Task<IReadOnlyList<RunRecord>> ListAsync(string tenantId, int take, CancellationToken cancellationToken)
    {
        var index = (await store.GetAsync<List<string>>(StateKeys.RunIndex(tenantId), cancellationToken).ConfigureAwait(false)).Value ?? [];
        var ids = index.Take(take).ToArray();
        var runs = await store.GetManyAsync<RunRecord>(ids.Select(id => StateKeys.Run(tenantId, id)).ToArray(), cancellationToken).ConfigureAwait(false);
        return ids.Select(id => runs.GetValueOrDefault(StateKeys.Run(tenantId, id))).OfType<RunRecord>().ToArray();
    }
}
