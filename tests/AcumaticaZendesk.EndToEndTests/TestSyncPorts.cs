using System.Collections.Concurrent;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// TEST DOUBLE until the real engine and the sandbox are wired in: a tenant directory with fixed ids.
/// </summary>
internal sealed class FixedTenantDirectory(params string[] tenantIds) : ITenantDirectory
{
    public Task<IReadOnlyList<string>> ListRunnableTenantIdsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(tenantIds);
}

/// <summary>
/// TEST DOUBLE of <see cref="ISyncEngine"/> (replaced by the real engine + sandbox later): serves a fixed number of
/// pages per kind and, like the real engine, commits a per-tenant, per-kind watermark to the connector state store
/// with an ETag after each page — through the app's own <see cref="IConnectorStateStore"/>, so over the Dapr state API.
/// </summary>
/// <param name="gate">When set, every page waits for it first.</param>
/// <param name="hangLikeAKilledProcess">Wait for the gate without observing cancellation: the page neither finishes nor
/// fails when the app stops, as if the process had been killed mid-page.</param>
internal sealed class ScriptedSyncEngine(
    IConnectorStateStore state, IReadOnlyDictionary<EntityKind, int> pagesPerKind, Task? gate = null, bool hangLikeAKilledProcess = false)
    : ISyncEngine
{
    public const int RecordsPerPage = 3;

    private readonly ConcurrentQueue<SyncPagesRequest> calls = new();

    public IReadOnlyCollection<SyncPagesRequest> Calls => [.. calls];

    public static string WatermarkKey(string tenantId, EntityKind kind) => $"test-watermark:{tenantId}:{kind}";

    public async Task<SyncPagesResult> SyncPagesAsync(SyncPagesRequest request, CancellationToken cancellationToken)
    {
        calls.Enqueue(request);
        if (gate is not null)
        {
            // Holds every page until the test opens the gate (a run that is still in progress).
            await (hangLikeAKilledProcess ? gate : gate.WaitAsync(cancellationToken));
        }

        var key = WatermarkKey(request.TenantId, request.Kind);
        var (current, etag) = await state.GetAsync<PageWatermark>(key, cancellationToken);
        var page = (current?.Page ?? 0) + 1;
        var total = pagesPerKind.GetValueOrDefault(request.Kind);
        if (total == 0)
        {
            return new SyncPagesResult(request.Kind, new SyncCounts(1, 0, 0, 0, 0, 0, 0), HasMore: false, Watermark: null);
        }

        var watermark = new PageWatermark(page, request.RunId);
        if (!await state.TrySaveAsync(key, watermark, etag, cancellationToken))
        {
            throw new InvalidOperationException($"Watermark {key} moved under page {page}");
        }

        return new SyncPagesResult(request.Kind, new SyncCounts(1, RecordsPerPage, 2, 1, 0, 0, 0), HasMore: page < total, Watermark: null);
    }

    // The scripted engine only serves the workflow's pages; a test that plans or replays uses the real engine.
    public Task<SyncPlan> PlanPageAsync(PlanPageRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The scripted engine does not plan.");

    public Task<ReplayResult> ReplayAsync(string tenantId, string runId, IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The scripted engine does not replay.");

    public Task<ReplayResult> ReplayFailedAsync(string tenantId, string runId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The scripted engine does not replay.");
}

internal sealed record PageWatermark(int Page, string RunId);
