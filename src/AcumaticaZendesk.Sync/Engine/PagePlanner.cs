using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>A dry run of the next page; writes nothing but a plan cursor that remembers how far the plan got.</summary>
internal sealed class PagePlanner(
    IConnectorStateStore store, IAcumaticaSource source, TenantRepository tenants, CheckpointStore checkpoints, RecordProcessor processor,
    IOptions<SyncEngineOptions> options, TimeProvider time)
{
    public async Task<SyncPlan> PlanPageAsync(PlanPageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.PageSize, 1);
        var tenant = await tenants.GetRequiredAsync(request.TenantId, cancellationToken).ConfigureAwait(false);
        var cursorKey = StateKeys.PlanCursor(tenant.Id, request.PlanId, request.Kind);
        var cursor = await store.GetAsync<PageCheckpoint>(cursorKey, cancellationToken).ConfigureAwait(false);
        var checkpoint = cursor.Value ?? (await checkpoints.GetAsync(tenant.Id, request.Kind, cancellationToken).ConfigureAwait(false)).Value!;
        if (!tenant.IsEnabled(request.Kind))
        {
            return new SyncPlan(new SyncPagesResult(request.Kind, PageResults.NothingDone, false, checkpoint.Watermark), []);
        }

        var edges = options.Value.PageEdges;
        var windowStart = checkpoint.WindowStartedAt ?? time.GetUtcNow();
        var firstLoad = !checkpoint.InitialLoadCompleted;
        var scope = new PageScope(tenant, request.PlanId, request.Kind, DryRun: true, Replay: false, firstLoad, time.GetUtcNow());
        var top = PageEdgeRules.ReadSize(checkpoint, request.PageSize, edges);
        var page = await source.ReadPageAsync(tenant, request.Kind, checkpoint.Watermark, checkpoint.Skip, top, cancellationToken).ConfigureAwait(false);
        var partition = PageEdgeRules.Partition(checkpoint, page);
        var items = await processor.ProcessAsync(scope, partition.Fresh, withOwnOrganization: false, cancellationToken).ConfigureAwait(false);
        var advance = PageEdgeRules.Advance(checkpoint, page, top, windowStart, time.GetUtcNow(), edges, request.PlanId);
        if (advance.HasMore)
        {
            await store.SaveAsync(cursorKey, advance.Checkpoint, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await store.DeleteAsync(cursorKey, cancellationToken).ConfigureAwait(false);
        }

        var result = PageResults.Summarize(request.Kind, page.Count, items, advance.HasMore, checkpoint.Watermark);
        return new SyncPlan(result, items.Select(i => i.ToPlanned()).ToArray());
    }
}
