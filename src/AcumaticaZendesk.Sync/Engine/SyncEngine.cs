using System.Runtime.ExceptionServices;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>
/// The page-level sync (see docs/sync-model.md). Per page: read → drop re-reads at the edges → map →
/// batched external_id lookup → fingerprint compare → bulk writes → remember fingerprints → audit every
/// record → commit the checkpoint. A failing record is recorded and queued for replay; the rest go on.
/// </summary>
public sealed partial class SyncEngine : ISyncEngine
{
    private readonly IConnectorStateStore _store;
    private readonly IAcumaticaSource _source;
    private readonly TenantRepository _tenants;
    private readonly CheckpointStore _checkpoints;
    private readonly AuditTrail _audit;
    private readonly FailedRecordQueue _failed;
    private readonly OnboardingReport _onboarding;
    private readonly RunStore _runs;
    private readonly OrganizationStep _organizations;
    private readonly UserStep _users;
    private readonly AccountDirectory _directory;
    private readonly SyncEngineOptions _options;
    private readonly ThroughputOptions _throughput;
    private readonly TimeProvider _time;
    private readonly ILogger<SyncEngine> _logger;

    /// <summary>The counts of a call that synced nothing: one page call, no record.</summary>
    private static readonly SyncCounts NothingDone = SyncCounts.None with { Pages = 1 };

    public SyncEngine(
        IConnectorStateStore store,
        IAcumaticaSource source,
        IZendeskTarget zendesk,
        IOptions<SyncEngineOptions> options,
        IOptions<ThroughputOptions> throughput,
        TimeProvider timeProvider,
        ILogger<SyncEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(throughput);
        _store = store;
        _source = source;
        _options = options.Value;
        _throughput = throughput.Value;
        _time = timeProvider;
        _logger = logger;
        _tenants = new TenantRepository(store, timeProvider);
        _checkpoints = new CheckpointStore(store, timeProvider);
        _audit = new AuditTrail(store, _options.Retention, timeProvider);
        _failed = new FailedRecordQueue(store, _options.Retention);
        _onboarding = new OnboardingReport(store);
        _runs = new RunStore(store, timeProvider);
        _directory = new AccountDirectory(zendesk);
        _organizations = new OrganizationStep(store, zendesk, _directory, _throughput.MaxConcurrentWrites);
        _users = new UserStep(store, zendesk, _directory, _throughput.MaxConcurrentWrites);
    }

    public async Task<SyncPageResult> SyncPageAsync(SyncPageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.DryRun)
        {
            return (await PlanPageAsync(request, cancellationToken).ConfigureAwait(false)).Result;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(request.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxPages, 1);
        try
        {
            return await SyncPageCoreAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthorizationRequiredException ex)
        {
            await _tenants.MarkNeedsAuthorizationAsync(request.TenantId, ex.System, ex.Reason, cancellationToken).ConfigureAwait(false);
            await _runs.CompleteAsync(request.TenantId, request.RunId, RunStatus.Failed, ex.Message, cancellationToken).ConfigureAwait(false);
            LogNeedsAuthorization(request.TenantId, ex.System);
            var (checkpoint, _) = await _checkpoints.GetAsync(request.TenantId, request.Kind, cancellationToken).ConfigureAwait(false);
            return new SyncPageResult(request.Kind, NothingDone, false, checkpoint?.Watermark,
                Stopped: $"the tenant needs a new {ex.System} authorization ({ex.Reason})", StopCause: RunStopCause.NeedsAuthorization);
        }
        catch (ConnectorConfigurationException ex)
        {
            await _runs.CompleteAsync(request.TenantId, request.RunId, RunStatus.Failed, ex.Message, cancellationToken).ConfigureAwait(false);
            LogConfigurationStop(request.TenantId, ex.Setting);
            var (checkpoint, _) = await _checkpoints.GetAsync(request.TenantId, request.Kind, cancellationToken).ConfigureAwait(false);
            return new SyncPageResult(request.Kind, NothingDone, false, checkpoint?.Watermark, Stopped: ex.Message, StopCause: RunStopCause.Configuration);
        }
    }

    private async Task<SyncPageResult> SyncPageCoreAsync(SyncPageRequest request, CancellationToken cancellationToken)
    {
        var tenant = await _tenants.GetRequiredAsync(request.TenantId, cancellationToken).ConfigureAwait(false);
        var (checkpoint, etag) = await _checkpoints.GetAsync(tenant.Id, request.Kind, cancellationToken).ConfigureAwait(false);
        checkpoint ??= new PageCheckpoint();
        if (!tenant.IsRunnable || !tenant.IsEnabled(request.Kind))
        {
            LogNotRunnable(tenant.Id, request.Kind);
            return new SyncPageResult(request.Kind, NothingDone, false, checkpoint.Watermark);
        }

        var windowStart = checkpoint.WindowStartedAt ?? _time.GetUtcNow();
        var scope = new PageScope(tenant, request.RunId, request.Kind, DryRun: false, Replay: false, FirstLoad: !checkpoint.InitialLoadCompleted, _time.GetUtcNow());

        var retried = new List<WorkItem>();
        if (checkpoint.Skip == 0 && checkpoint.WindowStartedAt is null)
        {
            retried.AddRange(await RetryQueuedAsync(scope, cancellationToken).ConfigureAwait(false));
        }

        var justRetried = retried.ToDictionary(i => i.Ref.Key, i => i.Record.LastModifiedDateTime, StringComparer.Ordinal);
        var depth = request.MaxPages > 1 && await PagesMayOverlapAsync(scope, request.PageSize, cancellationToken).ConfigureAwait(false) ? _throughput.PipelineDepth : 1;
        var pages = new List<PageInFlight>();
        var results = new List<SyncPageResult>();
        ExceptionDispatchInfo? failure = null;
        var halted = false;

        // Commit in order, as soon as a page's work is done: its checkpoint only after its own and every earlier
        // page's writes, fingerprints and audit entries are stored. A failed page halts commits; pages before it stay
        // committed, and the first failure is rethrown once nothing is in flight any more.
        async Task CommitReadyAsync()
        {
            while (!halted && results.Count < pages.Count && pages[results.Count].Work.IsCompleted)
            {
                var index = results.Count;
                var page = pages[index];
                try
                {
                    var items = await page.Work.ConfigureAwait(false);
                    etag = await CommitAsync(tenant.Id, request, page, etag, cancellationToken).ConfigureAwait(false);
                    var all = index == 0 ? retried.Concat(items).ToArray() : items;
                    var result = Summarize(request.Kind, page.Page.Count + (index == 0 ? retried.Count : 0), all, page.Advance.HasMore, page.Advance.Checkpoint.Watermark);
                    await _runs.RecordPageAsync(tenant.Id, request.RunId, false, request.Kind, result, page.From.Watermark, page.Partition.Duplicates, page.Advance.WindowClosed, cancellationToken).ConfigureAwait(false);
                    LogPage(tenant.Id, request.Kind, request.RunId, result.Counts.Read, result.Counts.Created, result.Counts.Updated, result.Counts.Unchanged, result.Counts.Skipped, result.Counts.Failed, result.HasMore);
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
            // Read page after page (each next position follows from the previous page alone) and start its Zendesk
            // work while at most `depth` pages are in flight; a page sharing a record or an e-mail with one still in
            // flight waits for it, so it sees that page's writes exactly as if they ran one after another.
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

                var top = PageEdgeRules.ReadSize(position, request.PageSize, _options.PageEdges);
                var page = await _source.ReadPageAsync(tenant, request.Kind, position.Watermark, position.Skip, top, cancellationToken).ConfigureAwait(false);
                var partition = PageEdgeRules.Partition(position, page);
                var fresh = partition.Fresh.Where(r => !(justRetried.TryGetValue(r.Key, out var at) && at >= r.LastModifiedDateTime)).ToArray();
                var advance = PageEdgeRules.Advance(position, page, top, windowStart, _time.GetUtcNow(), _options.PageEdges, request.RunId);
                var claims = PageInFlight.ClaimsOf(fresh);
                var before = pages.Skip(results.Count).Where(p => !p.Work.IsCompleted && p.Claims.Overlaps(claims)).Select(p => p.Work).ToArray();
                var withOwnOrganization = OrganizationStep.WritesOwnOrganization(scope, lastPageOfWindow: !advance.HasMore)
                    && await OwnOrganizationWantedAsync(tenant, cancellationToken).ConfigureAwait(false);
                pages.Add(new PageInFlight(position, page, partition, advance, claims, ProcessPageAsync(scope, fresh, before, withOwnOrganization, cancellationToken)));
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
        return Combine(results); // at least one page: the loop reads one before anything can stop it, or the call threw
    }

    /// <summary>Completes when <paramref name="task"/> does, whether it succeeded or not (its outcome is read elsewhere).</summary>
    private static Task Settled(Task task) =>
        task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>One page's Zendesk work (after the pages it must follow): process, audit, relink contacts.</summary>
    private async Task<IReadOnlyList<WorkItem>> ProcessPageAsync(PageScope scope, IReadOnlyList<AcumaticaRecord> fresh, Task[] after, bool withOwnOrganization, CancellationToken cancellationToken)
    {
        if (after.Length > 0)
        {
            await Task.WhenAll(after).ConfigureAwait(false);
        }

        var items = await ProcessAsync(scope, fresh, cancellationToken, withOwnOrganization).ConfigureAwait(false);
        await RecordAsync(scope, items, cancellationToken).ConfigureAwait(false);
        await RelinkContactsAsync(scope, items, cancellationToken).ConfigureAwait(false);
        return items;
    }

    /// <summary>Commits a page's checkpoint with the ETag it was read (or last committed) with; returns the new ETag.</summary>
    private async Task<string?> CommitAsync(string tenantId, SyncPageRequest request, PageInFlight page, string? etag, CancellationToken cancellationToken)
    {
        var key = StateKeys.Checkpoint(tenantId, request.Kind);
        var next = page.Advance.Checkpoint;
        if (!await _checkpoints.TryCommitAsync(tenantId, request.Kind, next, etag, cancellationToken).ConfigureAwait(false))
        {
            throw new StateConflictException(key);
        }

        if (page.Advance.WindowClosed && next.Watermark != page.From.Watermark)
        {
            await _checkpoints.RecordAsync(tenantId, request.Kind, new WatermarkChange(_time.GetUtcNow(), page.From.Watermark, next.Watermark, "window committed", null, request.RunId), cancellationToken).ConfigureAwait(false);
        }

        var (stored, newEtag) = await _checkpoints.GetAsync(tenantId, request.Kind, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Skip != next.Skip || stored.Watermark != next.Watermark || stored.LastCommittedAt != next.LastCommittedAt || stored.LastRunId != next.LastRunId)
        {
            throw new StateConflictException(key);
        }

        return newEtag;
    }

    /// <summary>
    /// Whether the last customer page should make sure of the company's own organization: our state knows it (then
    /// it is only looked up with the page's accounts, to notice it was deleted), or Acumatica has employees to put into
    /// it (one row read; no organization nobody would be in). The check never fails the customer page: when employees
    /// cannot be read, the employee page reports that and makes the organization itself.
    /// </summary>
    private async Task<bool> OwnOrganizationWantedAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var known = await _store.GetAsync<OrganizationTargetState>(StateKeys.OrganizationTarget(tenant.Id, UserMapper.OwnOrganizationExternalId(tenant)), cancellationToken).ConfigureAwait(false);
        if (known.Value is not null)
        {
            return true;
        }

        try
        {
            return (await _source.ReadPageAsync(tenant, EntityKind.Employee, since: null, skip: 0, top: 1, cancellationToken).ConfigureAwait(false)).Count > 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogEmployeeCheckFailed(tenant.Id, ex.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// Pages of a first load may adopt what the account already holds, and two pages adopting at once could both pick
    /// the same hand-made organization or user. So on a first load under the adopt policy pages overlap only when the
    /// account holds nothing to adopt (no organization without external_id; users: a complete listing with none
    /// unlinked). Later windows and the other policies never adopt.
    /// </summary>
    private async Task<bool> PagesMayOverlapAsync(PageScope scope, int pageSize, CancellationToken cancellationToken)
    {
        if (_throughput.PipelineDepth < 2)
        {
            return false;
        }

        if (!scope.FirstLoad || scope.Tenant.Onboarding != OnboardingPolicy.Adopt)
        {
            return true;
        }

        return ExternalIds.IsOrganizationKind(scope.Kind)
            ? (await _directory.UnlinkedOrganizationsAsync(scope, cancellationToken).ConfigureAwait(false)).Count == 0
            : await _directory.UsersByEmailAsync(scope, pageSize, cancellationToken).ConfigureAwait(false) is { } users
                && users.Values.All(u => !string.IsNullOrWhiteSpace(u.ExternalId));
    }

    private static SyncPageResult Combine(IReadOnlyList<SyncPageResult> pages) =>
        new(pages[0].Kind, SyncCounts.Sum(pages.Select(p => p.Counts)), pages[^1].HasMore, pages[^1].Watermark);

    /// <summary>A page read in this call: where it started, what it read, where it leads, and its Zendesk work.</summary>
    private sealed record PageInFlight(
        PageCheckpoint From,
        IReadOnlyList<AcumaticaRecord> Page,
        PagePartition Partition,
        PageAdvance Advance,
        HashSet<string> Claims,
        Task<IReadOnlyList<WorkItem>> Work)
    {
        /// <summary>What a page's records could collide on with another page: their keys and (users) e-mails.</summary>
        public static HashSet<string> ClaimsOf(IEnumerable<AcumaticaRecord> records)
        {
            var claims = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var record in records)
            {
                claims.Add($"key:{record.Key}");
                if (record is AcumaticaPerson { Email: { } email } && !string.IsNullOrWhiteSpace(email))
                {
                    claims.Add($"email:{email.Trim()}");
                }
            }

            return claims;
        }
    }

    /// <summary>
    /// A dry run of the next page: what would be created, updated, adopted, skipped or fail. Writes nothing to
    /// Zendesk and leaves the checkpoint, fingerprints and audit trail alone; only a plan cursor
    /// (<c>sync:{tenant}:plan:{run}:{kind}</c>) remembers how far this run's plan got.
    /// </summary>
    public async Task<SyncPlan> PlanPageAsync(SyncPageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.PageSize, 1);
        var tenant = await _tenants.GetRequiredAsync(request.TenantId, cancellationToken).ConfigureAwait(false);
        var cursorKey = StateKeys.PlanCursor(tenant.Id, request.RunId, request.Kind);
        var cursor = await _store.GetAsync<PageCheckpoint>(cursorKey, cancellationToken).ConfigureAwait(false);
        var checkpoint = cursor.Value ?? (await _checkpoints.GetAsync(tenant.Id, request.Kind, cancellationToken).ConfigureAwait(false)).Value!;
        if (!tenant.IsEnabled(request.Kind))
        {
            return new SyncPlan(new SyncPageResult(request.Kind, NothingDone, false, checkpoint.Watermark), []);
        }

        var windowStart = checkpoint.WindowStartedAt ?? _time.GetUtcNow();
        var scope = new PageScope(tenant, request.RunId, request.Kind, DryRun: true, Replay: false, FirstLoad: !checkpoint.InitialLoadCompleted, _time.GetUtcNow());
        var top = PageEdgeRules.ReadSize(checkpoint, request.PageSize, _options.PageEdges);
        var page = await _source.ReadPageAsync(tenant, request.Kind, checkpoint.Watermark, checkpoint.Skip, top, cancellationToken).ConfigureAwait(false);
        var partition = PageEdgeRules.Partition(checkpoint, page);
        var items = await ProcessAsync(scope, partition.Fresh, cancellationToken).ConfigureAwait(false);
        var advance = PageEdgeRules.Advance(checkpoint, page, top, windowStart, _time.GetUtcNow(), _options.PageEdges, request.RunId);
        if (advance.HasMore)
        {
            await _store.SaveAsync(cursorKey, advance.Checkpoint, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _store.DeleteAsync(cursorKey, cancellationToken).ConfigureAwait(false);
        }

        return new SyncPlan(Summarize(request.Kind, page.Count, items, advance.HasMore, checkpoint.Watermark), items.Select(i => i.ToPlanned()).ToArray());
    }

    /// <summary>
    /// Replays records on demand (operator) or from the failed queue: re-reads their current version from
    /// Acumatica, maps and writes them, audits <c>replayed</c>, and removes successes from the queue.
    /// Records gone from Acumatica are skipped and dropped from the queue. Kinds run in dependency order.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(string tenantId, string runId, IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var tenant = await _tenants.GetRequiredAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var results = new List<PlannedItem>();
        foreach (var group in records.Distinct().GroupBy(r => r.Kind).OrderBy(g => g.Key))
        {
            var (checkpoint, _) = await _checkpoints.GetAsync(tenantId, group.Key, cancellationToken).ConfigureAwait(false);
            var scope = new PageScope(tenant, runId, group.Key, DryRun: false, Replay: true, FirstLoad: !(checkpoint?.InitialLoadCompleted ?? false), _time.GetUtcNow());
            var items = await ReplayKindAsync(scope, group.Select(r => r.Key).ToArray(), cancellationToken).ConfigureAwait(false);
            results.AddRange(items.Select(i => i.ToPlanned()));
            var summary = Summarize(group.Key, items.Count, items, false, checkpoint?.Watermark);
            await _runs.RecordPageAsync(tenantId, runId, false, group.Key, summary, checkpoint?.Watermark, 0, false, cancellationToken).ConfigureAwait(false);
        }

        return new ReplayResult(results);
    }

    /// <summary>Replays every queued failure of a tenant.</summary>
    public async Task<ReplayResult> ReplayFailedAsync(string tenantId, string runId, CancellationToken cancellationToken)
    {
        var queued = await _failed.ListAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return await ReplayAsync(tenantId, runId, queued.Select(f => new RecordRef(f.Kind, f.Key)).ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Contacts written without their organization (it was not in Zendesk yet) are replayed once that
    /// organization has been written — by a page, a queue retry or an operator's replay — so they get linked to it.
    /// Contacts leave the pending list only once they were replayed (right after their organization was written, so
    /// they find it); contacts added meanwhile stay, and a replay that throws leaves the list for the next write.
    /// </summary>
    private async Task RelinkContactsAsync(PageScope scope, IEnumerable<WorkItem> organizationItems, CancellationToken cancellationToken)
    {
        if (!ExternalIds.IsOrganizationKind(scope.Kind) || !scope.Tenant.IsEnabled(EntityKind.Contact))
        {
            return;
        }

        var written = organizationItems
            .Where(i => i.Action is PlannedAction.Create or PlannedAction.Recreate or PlannedAction.Adopt or PlannedAction.Update)
            .Select(i => StateKeys.PendingOrganizationLinks(scope.Tenant.Id, i.ExternalId)).Distinct(StringComparer.Ordinal).ToArray();
        if (written.Length == 0)
        {
            return;
        }

        var pending = (await _store.GetManyAsync<List<string>>(written, cancellationToken).ConfigureAwait(false))
            .Where(p => p.Value.Count > 0).ToArray();
        if (pending.Length == 0)
        {
            return;
        }

        var contactScope = scope with { Kind = EntityKind.Contact, Replay = true };
        var contacts = pending.SelectMany(p => p.Value).Distinct(StringComparer.Ordinal).ToArray();
        var relinked = await ReplayKindAsync(contactScope, contacts, cancellationToken).ConfigureAwait(false);
        foreach (var (key, keys) in pending)
        {
            // Contacts that were replayed leave the list (an empty list is read as none); one added meanwhile stays.
            await _store.UpdateAsync<List<string>>(key, current => [.. (current ?? []).Except(keys, StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        }

        var summary = Summarize(EntityKind.Contact, relinked.Count, relinked, false, null);
        await _runs.RecordPageAsync(scope.Tenant.Id, scope.RunId, false, EntityKind.Contact, summary, null, 0, false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<WorkItem>> RetryQueuedAsync(PageScope scope, CancellationToken cancellationToken)
    {
        var queued = (await _failed.ListAsync(scope.Tenant.Id, cancellationToken).ConfigureAwait(false))
            .Where(f => f.Kind == scope.Kind).Take(_options.MaxRetriesPerWindow).Select(f => f.Key).ToArray();
        return queued.Length == 0 ? [] : await ReplayKindAsync(scope with { Replay = true }, queued, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<WorkItem>> ReplayKindAsync(PageScope scope, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var current = await Batching.InChunksAsync(keys, c => _source.GetByKeysAsync(scope.Tenant, scope.Kind, c, cancellationToken), maxConcurrent: 1).ConfigureAwait(false);
        var items = (await ProcessAsync(scope, current.DistinctBy(r => r.Key).ToArray(), cancellationToken).ConfigureAwait(false)).ToList();
        var gone = keys.Except(current.Select(r => r.Key), StringComparer.Ordinal).ToArray();
        foreach (var key in gone)
        {
            var item = new WorkItem(new GoneRecord { Kind = scope.Kind, Key = key, LastModifiedDateTime = scope.Now }, ExternalIds.For(scope.Kind, key));
            item.Skip("the record no longer exists in Acumatica");
            items.Add(item);
        }

        await RecordAsync(scope, items, cancellationToken).ConfigureAwait(false);
        await RelinkContactsAsync(scope, items, cancellationToken).ConfigureAwait(false);
        return items;
    }

    private async Task<IReadOnlyList<WorkItem>> ProcessAsync(PageScope scope, IReadOnlyList<AcumaticaRecord> records, CancellationToken cancellationToken, bool withOwnOrganization = false)
    {
        if (records.Count == 0)
        {
            return [];
        }

        if (records.FirstOrDefault(r => r.Kind != scope.Kind) is { } wrong)
        {
            throw new InvalidOperationException($"The Acumatica source returned a {wrong.Kind} record for a {scope.Kind} page.");
        }

        // A row Acumatica returned unreadable fails on its own (audit trail + replay queue); the rest of the page goes on.
        var refused = records.OfType<RefusedAcumaticaRecord>().Select(Refuse).ToArray();
        var readable = records.Where(r => r is not RefusedAcumaticaRecord).ToArray();
        if (readable.Length == 0)
        {
            return refused;
        }

        var items = ExternalIds.IsOrganizationKind(scope.Kind)
            ? await _organizations.RunAsync(scope, readable, withOwnOrganization, cancellationToken).ConfigureAwait(false)
            : await _users.RunAsync(scope, readable, cancellationToken).ConfigureAwait(false);
        return [.. items, .. refused];
    }

    private static WorkItem Refuse(RefusedAcumaticaRecord record)
    {
        var item = new WorkItem(record, ExternalIds.For(record.Kind, record.Key));
        item.Fail(new WriteError(WriteErrorKind.Unreadable, record.Code, $"Acumatica returned {record.Kind} '{record.Key}' unreadable, nothing was written: {record.Reason}."));
        return item;
    }

    /// <summary>Audit trail, replay queue and onboarding report for processed records.</summary>
    private async Task RecordAsync(PageScope scope, IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var audits = items.Select(item => new RecordAudit(item.Ref, item.ExternalId, item.ZendeskId, Entries(scope, item, now).ToArray())).ToArray();
        await _audit.AppendAsync(scope.Tenant.Id, scope.RunId, audits, cancellationToken).ConfigureAwait(false);

        var failures = items.Where(i => i.Action == PlannedAction.Fail)
            .Select(i => new FailedRecord(i.Ref.Kind, i.Ref.Key, scope.RunId, now, now, 1, i.Error!)).ToArray();
        await _failed.EnqueueAsync(scope.Tenant.Id, failures, cancellationToken).ConfigureAwait(false);

        var queued = (await _failed.ListAsync(scope.Tenant.Id, cancellationToken).ConfigureAwait(false)).Select(f => new RecordRef(f.Kind, f.Key)).ToHashSet();
        var done = items.Where(i => i.Action != PlannedAction.Fail && queued.Contains(i.Ref)).Select(i => i.Ref).ToArray();
        await _failed.RemoveAsync(scope.Tenant.Id, done, cancellationToken).ConfigureAwait(false);

        await _onboarding.AddAsync(scope.Tenant.Id, items.Select(i => i.Onboarding).OfType<OnboardingCase>().ToArray(), cancellationToken).ConfigureAwait(false);
        foreach (var failure in failures)
        {
            LogRecordFailed(scope.Tenant.Id, failure.Kind, failure.Key, failure.Error.Code);
        }
    }

    private static IEnumerable<AuditEntry> Entries(PageScope scope, WorkItem item, DateTimeOffset now)
    {
        var run = scope.RunId;
        if (scope.Replay)
        {
            yield return new AuditEntry(run, now, AuditAction.Replayed, item.ZendeskId, "replay");
        }

        // A refused row whose LastModifiedDateTime could not be read carries MinValue: leave it out of the trail.
        var modified = item.Record.LastModifiedDateTime == DateTimeOffset.MinValue ? (DateTimeOffset?)null : item.Record.LastModifiedDateTime;
        yield return new AuditEntry(run, now, AuditAction.Seen, SourceModifiedAt: modified);
        if (item.Mapped)
        {
            yield return new AuditEntry(run, now, AuditAction.Mapped, Fingerprint: item.Fingerprint);
        }

        yield return item.Action switch
        {
            PlannedAction.Create => new AuditEntry(run, now, AuditAction.Created, item.ZendeskId, item.Reason, Fingerprint: item.Fingerprint),
            PlannedAction.Recreate => new AuditEntry(run, now, AuditAction.Created, item.ZendeskId, item.Reason, Fingerprint: item.Fingerprint),
            PlannedAction.Update => new AuditEntry(run, now, AuditAction.Updated, item.ZendeskId, item.EmailIdentityAdded ? Join(item.Reason, "e-mail identity added") : item.Reason, Fingerprint: item.Fingerprint),
            PlannedAction.Adopt => new AuditEntry(run, now, AuditAction.Adopted, item.ZendeskId, item.Reason, Fingerprint: item.Fingerprint),
            PlannedAction.Unchanged => new AuditEntry(run, now, AuditAction.SkippedUnchanged, item.ZendeskId, Fingerprint: item.Fingerprint),
            PlannedAction.Fail => new AuditEntry(run, now, AuditAction.Failed, item.ZendeskId, item.Reason, item.Error),
            _ => new AuditEntry(run, now, AuditAction.Skipped, item.ZendeskId, item.Reason),
        };
    }

    private static string Join(string? first, string second) => first is null ? second : $"{first}; {second}";

    private static SyncPageResult Summarize(EntityKind kind, int read, IReadOnlyCollection<WorkItem> items, bool hasMore, DateTimeOffset? watermark) => new(
        kind,
        new SyncCounts(
            Pages: 1,
            read,
            Created: items.Count(i => i.Action is PlannedAction.Create or PlannedAction.Recreate),
            Updated: items.Count(i => i.Action is PlannedAction.Update or PlannedAction.Adopt),
            Unchanged: items.Count(i => i.Action == PlannedAction.Unchanged),
            Skipped: items.Count(i => i.Action == PlannedAction.Skip),
            Failed: items.Count(i => i.Action == PlannedAction.Fail)),
        hasMore,
        watermark);

    /// <summary>Stand-in for a queued record that Acumatica no longer has.</summary>
    private sealed record GoneRecord : AcumaticaRecord;

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId}: could not check for employees ({ErrorType}); the employee page will make the company organization")]
    private partial void LogEmployeeCheckFailed(string tenantId, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} is paused, waiting for authorization or has {Kind} disabled; page skipped")]
    private partial void LogNotRunnable(string tenantId, EntityKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} {Kind} page of run {RunId}: read {Read}, created {Created}, updated {Updated}, unchanged {Unchanged}, skipped {Skipped}, failed {Failed}, more {HasMore}")]
    private partial void LogPage(string tenantId, EntityKind kind, string runId, int read, int created, int updated, int unchanged, int skipped, int failed, bool hasMore);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} needs a new {System} authorization; marked and stopped, other tenants go on")]
    private partial void LogNeedsAuthorization(string tenantId, ConnectedSystem system);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId}'s run stopped: its setting {Setting} does not let the connector reach a system; other tenants go on")]
    private partial void LogConfigurationStop(string tenantId, string setting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} {Kind} {Key} failed with {ErrorCode}; queued for replay")]
    private partial void LogRecordFailed(string tenantId, EntityKind kind, string key, string errorCode);
}
