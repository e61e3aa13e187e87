using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;

/// <summary>Drives the engine like the workflow: kinds in order, pages until the engine says there are no more.</summary>
internal static class EngineRuns
{
    public static async Task<Dictionary<EntityKind, SyncPagesResult>> RunAsync(
        ISyncEngine engine, string tenantId, string runId, IEnumerable<EntityKind> kinds, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<EntityKind, SyncPagesResult>();
        foreach (var kind in kinds)
        {
            for (var page = 0; page < 50; page++)
            {
                var r = await engine.SyncPagesAsync(new SyncPagesRequest(tenantId, runId, kind, PageSize: 100), cancellationToken);
                totals[kind] = totals.TryGetValue(kind, out var t)
                    ? t with { Counts = t.Counts.Add(r.Counts) }
                    : r;
                if (!r.HasMore)
                    break;
            }
        }

        return totals;
    }
}
