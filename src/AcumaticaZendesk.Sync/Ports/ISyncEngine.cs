using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>
/// Acumatica entity kinds (<see cref="SyncStages"/> gives the order): customers and vendors become Zendesk organizations,
/// contacts and employees users.
/// </summary>
public enum EntityKind
{
    Customer,
    Vendor,
    Contact,
    Employee,

    /// <summary>Zendesk ticket → Acumatica activity (ticket context flow; audited under the ticket id, never synced as a page kind).</summary>
    Ticket,
}

/// <summary>
/// One sync call of the workflow: up to <paramref name="MaxPages"/> pages of one kind, their Zendesk work overlapping. It is
/// the activity input in the workflow history, so its JSON names stay.
/// </summary>
/// <param name="RunId">The run (workflow instance id) these pages belong to; recorded in the audit trail.</param>
public sealed record SyncPagesRequest(string TenantId, string RunId, EntityKind Kind, int PageSize = 500, int MaxPages = 1);

/// <summary>A dry run of the next page of one kind: read, map and compare, write nothing (not even the watermark).</summary>
/// <param name="PlanId">The plan; a cursor under this id remembers how far the plan got, so the next call plans the page after.</param>
public sealed record PlanPageRequest(string TenantId, string PlanId, EntityKind Kind, int PageSize = 500);

/// <summary>
/// What one call did. <see cref="HasMore"/>: call again for the kind; <see cref="Stopped"/> (null when all is well): why
/// the tenant's run must stop, ended failed with that reason.
/// </summary>
public sealed record SyncPagesResult(
    EntityKind Kind,
    SyncCounts Counts,
    bool HasMore,
    DateTimeOffset? Watermark,
    string? Stopped = null,
    RunStopCause? StopCause = null);

/// <summary>The sync engine as the workflow (sync calls) and the operator API (plans, replays) use it.</summary>
public interface ISyncEngine
{
    /// <summary>
    /// Syncs the next pages after the tenant's watermark. Idempotent: a call after a crash re-reads from the last committed
    /// checkpoint and writes nothing twice.
    /// </summary>
    Task<SyncPagesResult> SyncPagesAsync(SyncPagesRequest request, CancellationToken cancellationToken);

    /// <summary>A dry run of the next page (<see cref="PlanPageRequest"/>): what would be done; nothing but the plan cursor is written.</summary>
    Task<SyncPlan> PlanPageAsync(PlanPageRequest request, CancellationToken cancellationToken);

    /// <summary>Replays records as run <paramref name="runId"/> from their current Acumatica version; successes leave the failed queue.</summary>
    Task<ReplayResult> ReplayAsync(string tenantId, string runId, IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken);

    Task<ReplayResult> ReplayFailedAsync(string tenantId, string runId, CancellationToken cancellationToken);
}

/// <summary>The tenants a cron tick should consider.</summary>
public interface ITenantDirectory
{
    /// <summary>Ids of tenants that are enabled, not paused and not waiting for authorization.</summary>
    Task<IReadOnlyList<string>> ListRunnableTenantIdsAsync(CancellationToken cancellationToken);
}
