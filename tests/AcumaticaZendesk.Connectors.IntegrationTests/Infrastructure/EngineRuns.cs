using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;

/// <summary>Drives the engine like the workflow: kinds in order, pages until the engine says there are no more.</summary>
internal static class EngineRuns
{
    public static async Task<Dictionary<EntityKind, SyncPageResult>> RunAsync(
        ISyncEngine engine, string tenantId, string runId, IEnumerable<EntityKind> kinds, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<EntityKind, SyncPageResult>();
        foreach (var kind in kinds)
        {
            for (var page = 0; page < 50; page++)
            {
                var r = await engine.SyncPageAsync(new SyncPageRequest(tenantId, runId, kind, PageSize: 100), cancellationToken);
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
