using System.Runtime.ExceptionServices;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>
/// One sync call of a kind (docs/sync-model.md): queued failures retried at a window's start, then pages read, processed
/// and recorded, up to <see cref="PageOverlap"/>'s depth in flight, each checkpoint committed in order.
/// </summary>
internal sealed partial class PagePipeline(
    IAcumaticaSource source, TenantRepository tenants, CheckpointStore checkpoints, RecordProcessor processor, PageRecorder recorder,
    Replayer replayer, PageOverlap overlap, OwnOrganizationCheck ownOrganization, IOptions<SyncEngineOptions> options, TimeProvider time,
    ILogger<PagePipeline> logger)
{
    /// <summary>Syncs up to <see cref="SyncPagesRequest.MaxPages"/> pages; their results summed.</summary>
    public async Task<SyncPagesResult> RunAsync(SyncPagesRequest request, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetRequiredAsync(request.TenantId, cancellationToken).ConfigureAwait(false);
        var (checkpoint, etag) = await checkpoints.GetAsync(tenant.Id, request.Kind, cancellationToken).ConfigureAwait(false);
        checkpoint ??= new PageCheckpoint();
        if (!tenant.IsRunnable || !tenant.IsEnabled(request.Kind))
        {
            LogNotRunnable(tenant.Id, request.Kind);
            return new SyncPagesResult(request.Kind, PageResults.NothingDone, false, checkpoint.Watermark);
        }

        var windowStart = checkpoint.WindowStartedAt ?? time.GetUtcNow();
        var firstLoad = !checkpoint.InitialLoadCompleted;
        var scope = new PageScope(tenant, request.RunId, request.Kind, DryRun: false, Replay: false, firstLoad, time.GetUtcNow());
        var retried = checkpoint.Skip == 0 && checkpoint.WindowStartedAt is null
            ? await replayer.RetryQueuedAsync(scope, cancellationToken).ConfigureAwait(false)
            : [];
        var depth = await overlap.DepthAsync(scope, request, cancellationToken).ConfigureAwait(false);
        return await PipelineAsync(scope, request, checkpoint, etag, windowStart, retried, depth, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SyncPagesResult> PipelineAsync(
        PageScope scope, SyncPagesRequest request, PageCheckpoint checkpoint, string? etag, DateTimeOffset windowStart,
        IReadOnlyList<WorkItem> retried, int depth, CancellationToken cancellationToken)
    {
        var tenant = scope.Tenant;
        var justRetried = retried.ToDictionary(i => i.Ref.Key, i => i.Record.LastModifiedDateTime, StringComparer.Ordinal);
        var pages = new List<PageInFlight>();
        var results = new List<SyncPagesResult>();
        ExceptionDispatchInfo? failure = null;
        var halted = false;

        // A page's checkpoint is committed only after its own and every earlier page's work is stored. A failed page halts
        // commits; pages before it stay committed, and the first failure is rethrown once nothing is in flight.
        async Task CommitReadyAsync()
        {
            while (!halted && results.Count < pages.Count && pages[results.Count].Work.IsCompleted)
            {
                var index = results.Count;
                var page = pages[index];
                try
                {
                    var items = await page.Work.ConfigureAwait(false);
                    etag = await recorder.CommitAsync(tenant.Id, request.Kind, request.RunId, page.From, page.Advance, etag, cancellationToken)
                        .ConfigureAwait(false);
                    var all = index == 0 ? retried.Concat(items).ToArray() : items;
                    var read = page.Page.Count + (index == 0 ? retried.Count : 0);
                    var result = PageResults.Summarize(request.Kind, read, all, page.Advance.HasMore, page.Advance.Checkpoint.Watermark);
                    await recorder.AddToRunAsync(tenant.Id, request.RunId, result, page.From.Watermark, page.Partition.Duplicates,
                        page.Advance.WindowClosed, cancellationToken).ConfigureAwait(false);
                    recorder.LogCommitted(tenant.Id, request.RunId, result);
                    results.Add(result);
                }
                catch (Exception ex)
                {
                    failure ??= ExceptionDispatchInfo.Capture(ex);
                    halted = true;
                }
            }
        }

        try
        {
            // At most `depth` pages in flight; a page sharing a record or an e-mail with one still in flight waits for it, so
            // it sees that page's writes exactly as if they ran one after another.
            var position = checkpoint;
            while (pages.Count < request.MaxPages)
            {
                await CommitReadyAsync().ConfigureAwait(false);
                if (halted || pages.Skip(results.Count).Any(p => p.Work.IsFaulted || p.Work.IsCanceled))
                {
                    break; // that page cannot be committed, so neither can any after it
                }

                var inFlight = pages.Skip(results.Count).Where(p => !p.Work.IsCompleted).Select(p => p.Work).ToArray();
                if (inFlight.Length >= depth)
                {
                    await Task.WhenAny(inFlight).ConfigureAwait(false);
                    continue;
                }

                var edges = options.Value.PageEdges;
                var top = PageEdgeRules.ReadSize(position, request.PageSize, edges);
                var page = await source.ReadPageAsync(tenant, request.Kind, position.Watermark, position.Skip, top, cancellationToken).ConfigureAwait(false);
                var partition = PageEdgeRules.Partition(position, page);
                var fresh = partition.Fresh.Where(r => !(justRetried.TryGetValue(r.Key, out var at) && at >= r.LastModifiedDateTime)).ToArray();
                var advance = PageEdgeRules.Advance(position, page, top, windowStart, time.GetUtcNow(), edges, request.RunId);
                var claims = PageInFlight.ClaimsOf(fresh);
                var before = pages.Skip(results.Count).Where(p => !p.Work.IsCompleted && p.Claims.Overlaps(claims)).Select(p => p.Work).ToArray();
                var withOwnOrganization = OrganizationStep.WritesOwnOrganization(scope, lastPageOfWindow: !advance.HasMore)
                    && await ownOrganization.WantedAsync(tenant, cancellationToken).ConfigureAwait(false);
                var work = WorkAsync(scope, fresh, before, withOwnOrganization, cancellationToken);
                pages.Add(new PageInFlight(position, page, partition, advance, claims, work));
                position = advance.Checkpoint;
                if (!advance.HasMore)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // A failed read: pages already started still finish and are committed below; then this failure is rethrown.
            failure ??= ExceptionDispatchInfo.Capture(ex);
        }

        // Commit the pages still in flight one by one as each finishes (progress shows page by page), then make sure
        // nothing is left running after this call returns or throws: a retry would race it.
        while (!halted && results.Count < pages.Count)
        {
            await Settled(pages[results.Count].Work).ConfigureAwait(false);
            await CommitReadyAsync().ConfigureAwait(false);
        }

        await Settled(Task.WhenAll(pages.Select(p => p.Work))).ConfigureAwait(false);
        failure?.Throw();
        return PageResults.Combine(results); // at least one page: the loop reads one before anything can stop it, or the call threw
    }

    /// <summary>One page's Zendesk work (after the pages it must follow): process, audit, relink contacts.</summary>
    private async Task<IReadOnlyList<WorkItem>> WorkAsync(
        PageScope scope, IReadOnlyList<AcumaticaRecord> fresh, Task[] after, bool withOwnOrganization, CancellationToken cancellationToken)
    {
        if (after.Length > 0)
        {
            await Task.WhenAll(after).ConfigureAwait(false);
        }

        var items = await processor.ProcessAsync(scope, fresh, withOwnOrganization, cancellationToken).ConfigureAwait(false);
        await recorder.RecordAsync(scope, items, cancellationToken).ConfigureAwait(false);
        await replayer.RelinkContactsAsync(scope, items, cancellationToken).ConfigureAwait(false);
        return items;
    }

    /// <summary>Completes when <paramref name="task"/> does, whether it succeeded or not (its outcome is read elsewhere).</summary>
    private static Task Settled(Task task) =>
        task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} is paused, waiting for authorization or has {Kind} disabled; page skipped")]
    private partial void LogNotRunnable(string tenantId, EntityKind kind);
}
