using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>What is kept of the work on records: audit trail, replay queue, onboarding report, checkpoint and run counts.</summary>
internal sealed partial class PageRecorder(
    AuditTrail audit, FailedRecordQueue failed, OnboardingReport onboarding, CheckpointStore checkpoints, RunStore runs,
    TimeProvider time, ILogger<PageRecorder> logger)
{
    public async Task RecordAsync(PageScope scope, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var audits = items.Select(item => new RecordAudit(item.Ref, item.ExternalId, item.ZendeskId, AuditEntries.Of(scope, item, now).ToArray())).ToArray();
        await audit.AppendAsync(scope.Tenant.Id, scope.RunId, audits, cancellationToken).ConfigureAwait(false);

        var failures = items.Where(i => i.Action == PlannedAction.Fail)
            .Select(i => new FailedRecord(i.Ref.Kind, i.Ref.Key, scope.RunId, now, now, 1, i.Error!)).ToArray();
        await failed.EnqueueAsync(scope.Tenant.Id, failures, cancellationToken).ConfigureAwait(false);

        var queued = (await failed.ListAsync(scope.Tenant.Id, cancellationToken).ConfigureAwait(false)).Select(f => new RecordRef(f.Kind, f.Key)).ToHashSet();
        var done = items.Where(i => i.Action != PlannedAction.Fail && queued.Contains(i.Ref)).Select(i => i.Ref).ToArray();
        await failed.RemoveAsync(scope.Tenant.Id, done, cancellationToken).ConfigureAwait(false);

        await onboarding.AddAsync(scope.Tenant.Id, items.Select(i => i.Onboarding).OfType<OnboardingCase>().ToArray(), cancellationToken).ConfigureAwait(false);
        foreach (var failure in failures)
        {
            LogRecordFailed(scope.Tenant.Id, failure.Kind, failure.Key, failure.Error.Code);
        }
    }

    /// <summary>Commits a page's checkpoint under <paramref name="etag"/> and returns the new one; another commit in between is a conflict.</summary>
    public async Task<string?> CommitAsync(
        string tenantId, EntityKind kind, string runId, PageCheckpoint from, PageAdvance advance, string? etag, CancellationToken cancellationToken)
    {
        var key = StateKeys.Checkpoint(tenantId, kind);
        var next = advance.Checkpoint;
        if (!await checkpoints.TryCommitAsync(tenantId, kind, next, etag, cancellationToken).ConfigureAwait(false))
        {
            throw new StateConflictException(key);
        }

        if (advance.WindowClosed && next.Watermark != from.Watermark)
        {
            var change = new WatermarkChange(time.GetUtcNow(), from.Watermark, next.Watermark, "window committed", null, runId);
            await checkpoints.RecordAsync(tenantId, kind, change, cancellationToken).ConfigureAwait(false);
        }

        var (stored, newEtag) = await checkpoints.GetAsync(tenantId, kind, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Skip != next.Skip || stored.Watermark != next.Watermark || stored.LastCommittedAt != next.LastCommittedAt
            || stored.LastRunId != next.LastRunId)
        {
            throw new StateConflictException(key);
        }

        return newEtag;
    }

    /// <summary>Adds a page's (or replay batch's) counts to the run record.</summary>
    public async Task AddToRunAsync(
        string tenantId, string runId, SyncPagesResult result, DateTimeOffset? from, int duplicates, bool windowClosed, CancellationToken cancellationToken)
    {
        await runs.RecordPageAsync(tenantId, runId, false, result.Kind, result, from, duplicates, windowClosed, cancellationToken).ConfigureAwait(false);
    }

    public void LogCommitted(string tenantId, string runId, SyncPagesResult result)
    {
        var c = result.Counts;
        LogPage(tenantId, result.Kind, runId, c.Read, c.Created, c.Updated, c.Unchanged, c.Skipped, c.Failed, result.HasMore);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Tenant {TenantId} {Kind} page of run {RunId}: read {Read}, created {Created}, updated {Updated}, unchanged {Unchanged}, "
            + "skipped {Skipped}, failed {Failed}, more {HasMore}")]
    private partial void LogPage(
        string tenantId, EntityKind kind, string runId, int read, int created, int updated, int unchanged, int skipped, int failed, bool hasMore);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} {Kind} {Key} failed with {ErrorCode}; queued for replay")]
    private partial void LogRecordFailed(string tenantId, EntityKind kind, string key, string errorCode);
}
