using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>What the next run would do with one kind.</summary>
public sealed record PlanKind(
    EntityKind Kind,
    DateTimeOffset? FromWatermark,
    int Pages,
    int Read,
    IReadOnlyDictionary<string, int> Actions,
    bool Complete);

/// <summary>The answer of <c>plan</c>: per kind counts by action, and the records (capped at <see cref="PlanService.MaxItems"/>).</summary>
public sealed record PlanReport(string TenantId, string PlanId, IReadOnlyList<PlanKind> Kinds, IReadOnlyList<PlannedItem> Items, bool ItemsTruncated);

/// <summary>
/// A dry run of the tenant's next run through <see cref="ISyncEngine.PlanPageAsync"/>: reads, maps and looks up,
/// writes nothing (no Zendesk write, no fingerprint, no audit, no checkpoint). The engine's plan cursor is removed
/// at the end, also when the plan stops at the page limit.
/// </summary>
internal sealed class PlanService(ISyncEngine engine, IConnectorStateStore store, IOptions<OperatorOptions> options, TimeProvider timeProvider)
{
    public const int MaxItems = 5_000;

    public async Task<PlanReport> PlanAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var planId = $"plan-{timeProvider.GetUtcNow():yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}"[..40];
        var kinds = new List<PlanKind>();
        var items = new List<PlannedItem>();
        var truncated = false;
        foreach (var kind in Enum.GetValues<EntityKind>().Where(tenant.IsEnabled))
        {
            var actions = new SortedDictionary<string, int>(StringComparer.Ordinal);
            DateTimeOffset? from = null;
            int pages = 0, read = 0;
            var hasMore = true;
            try
            {
                while (hasMore && pages < o.PlanMaxPagesPerKind)
                {
                    var plan = await engine.PlanPageAsync(new PlanPageRequest(tenant.Id, planId, kind, o.PlanPageSize), cancellationToken)
                        .ConfigureAwait(false);
                    from ??= plan.Result.Watermark;
                    pages++;
                    read += plan.Result.Counts.Read;
                    hasMore = plan.Result.HasMore;
                    foreach (var item in plan.Items)
                    {
                        var name = global::System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(item.Action.ToString());
                        actions[name] = actions.GetValueOrDefault(name) + 1;
                        if (items.Count < MaxItems)
                        {
                            items.Add(item);
                        }
                        else
                        {
                            truncated = true;
                        }
                    }
                }
            }
            finally
            {
                await store.DeleteAsync(StateKeys.PlanCursor(tenant.Id, planId, kind), CancellationToken.None).ConfigureAwait(false);
            }

            kinds.Add(new PlanKind(kind, from, pages, read, actions, !hasMore));
        }

        return new PlanReport(tenant.Id, planId, kinds, items, truncated);
    }
}
