using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>Acumatica entity kinds the main flow reads, in dependency order.</summary>
public enum EntityKind
{
    /// <summary>Customer → Zendesk organization.</summary>
    Customer,

    /// <summary>Vendor → Zendesk organization.</summary>
    Vendor,

    /// <summary>Contact → Zendesk user.</summary>
    Contact,

    /// <summary>Employee → Zendesk user.</summary>
    Employee,

    /// <summary>Zendesk ticket → Acumatica activity (ticket context flow; audited under the ticket id, never synced as a page kind).</summary>
    Ticket,
}

/// <summary>
/// One sync call of the workflow: up to <paramref name="MaxPages"/> pages of one kind. Small, serializable, deterministic
/// (it is the activity input in the workflow history, so its JSON names stay).
/// </summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="RunId">The run (workflow instance id) these pages belong to; recorded in the audit trail.</param>
/// <param name="Kind">Entity kind to read.</param>
/// <param name="PageSize">Records per Acumatica page (and so at most this many Zendesk writes, in bulk jobs of ≤100).</param>
/// <param name="MaxPages">
/// Pages this call may sync, one after another with their Zendesk work overlapping (the next page is read and looked
/// up while the previous page's bulk jobs run); each page's checkpoint is still committed in order, after its writes.
/// </param>
public sealed record SyncPagesRequest(string TenantId, string RunId, EntityKind Kind, int PageSize = 500, int MaxPages = 1);

/// <summary>A dry run of the next page of one kind: read, map and compare, write nothing (not even the watermark).</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="PlanId">The plan; a cursor under this id remembers how far the plan got, so the next call plans the page after.</param>
/// <param name="Kind">Entity kind to read.</param>
/// <param name="PageSize">Records to read.</param>
public sealed record PlanPageRequest(string TenantId, string PlanId, EntityKind Kind, int PageSize = 500);

/// <summary>
/// What one call did (<see cref="SyncCounts.Pages"/> pages, totals over them). <see cref="HasMore"/> tells the workflow to
/// call again for the same kind; <see cref="Stopped"/> (null when all is well) says in words why the tenant's run must
/// stop, and <see cref="StopCause"/> which kind of stop it is — the run ends failed with that reason.
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
    /// The page-level sync: read the next page of changes after the tenant's watermark (with overlap and
    /// de-duplication at page edges), map, look up in Zendesk by external_id, skip unchanged fingerprints,
    /// write in bulk, record every record in the audit trail, then move the watermark. Idempotent: calling it
    /// again after a crash re-reads from the last committed watermark and writes nothing twice.
    /// </summary>
    Task<SyncPagesResult> SyncPagesAsync(SyncPagesRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// A dry run of the next page: what would be created, updated, adopted, skipped or fail. Writes nothing to Zendesk
    /// and leaves the checkpoint, fingerprints and audit trail alone; a plan cursor per run remembers how far it got.
    /// </summary>
    Task<SyncPlan> PlanPageAsync(PlanPageRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Replays records as run <paramref name="runId"/>: re-reads their current version from Acumatica, maps and writes
    /// them, audits <c>replayed</c>, and removes successes from the failed queue; records gone from Acumatica are
    /// skipped and leave the queue. Kinds run in dependency order.
    /// </summary>
    Task<ReplayResult> ReplayAsync(string tenantId, string runId, IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken);

    /// <summary>Replays every queued failure of a tenant (<see cref="ReplayAsync"/>).</summary>
    Task<ReplayResult> ReplayFailedAsync(string tenantId, string runId, CancellationToken cancellationToken);
}

/// <summary>The tenants a cron tick should consider.</summary>
public interface ITenantDirectory
{
    /// <summary>Ids of tenants that are enabled, not paused and not waiting for authorization.</summary>
    Task<IReadOnlyList<string>> ListRunnableTenantIdsAsync(CancellationToken cancellationToken);
}
