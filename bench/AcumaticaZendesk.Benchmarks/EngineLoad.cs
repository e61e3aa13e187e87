using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>Per-kind totals of one engine run.</summary>
public sealed record KindTotals(EntityKind Kind, int Pages, int Read, int Created, int Updated, int Unchanged, int Skipped, int Failed);

/// <summary>
/// Drives <see cref="ISyncEngine"/> exactly as <c>TenantSyncWorkflow</c> does, without Dapr: each kind once its
/// prerequisites (<see cref="SyncStages"/>) are read, ready kinds side by side, each <c>SyncPagesAsync</c> until
/// <c>HasMore</c> is false (an empty page that claims more is an error, as in the workflow).
/// </summary>
internal static class EngineLoad
{
    public static IReadOnlyList<EntityKind> KindOrder => SyncStages.KindOrder;

    public static async Task<IReadOnlyList<KindTotals>> RunAsync(
        ISyncEngine engine,
        string tenantId,
        string runId,
        int pageSize,
        int pagesPerCall,
        CancellationToken cancellationToken)
    {
        var totals = new List<KindTotals>();
        var running = new Dictionary<Task<KindTotals>, EntityKind>();
        while (true)
        {
            foreach (var kind in SyncStages.Ready([.. totals.Select(t => t.Kind)], running.Values).ToArray())
                running[RunKindAsync(engine, tenantId, runId, kind, pageSize, pagesPerCall, cancellationToken)] = kind;
            if (running.Count == 0)
                break;
            var done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            running.Remove(done);
            totals.Add(await done.ConfigureAwait(false));
        }

        return totals;
    }

    private static async Task<KindTotals> RunKindAsync(
        ISyncEngine engine,
        string tenantId,
        string runId,
        EntityKind kind,
        int pageSize,
        int pagesPerCall,
        CancellationToken cancellationToken)
    {
        var t = new KindTotals(kind, 0, 0, 0, 0, 0, 0, 0);
        SyncPagesResult page;
        do
        {
            page = await engine.SyncPagesAsync(new SyncPagesRequest(tenantId, runId, kind, pageSize, MaxPages: pagesPerCall), cancellationToken).ConfigureAwait(
                false);
            if (page.HasMore && page.Counts.Read == 0)
                throw new InvalidOperationException($"{kind}: the sync engine reported more pages but returned an empty one.");
            t = t with
            {
                Pages = t.Pages + page.Counts.Pages,
                Read = t.Read + page.Counts.Read,
                Created = t.Created + page.Counts.Created,
                Updated = t.Updated + page.Counts.Updated,
                Unchanged = t.Unchanged + page.Counts.Unchanged,
                Skipped = t.Skipped + page.Counts.Skipped,
                Failed = t.Failed + page.Counts.Failed,
            };
        }
        while (page.HasMore);

        return t;
    }
}
