using AcumaticaZendesk.Contracts;

namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>
/// A Dapr component as any deploy target declares it (local YAML, Kubernetes YAML, Bicep snapshot),
/// so the same naming and scoping rules apply to all of them.
/// </summary>
internal sealed record ComponentView(string Source, string Name, string Type, IReadOnlyList<string> Scopes, IReadOnlyList<DaprMetadataItem> Metadata)
{
    public static ComponentView From(DaprResource r) => new(r.Manifest.Id, r.Name, r.Type ?? "", r.Scopes, r.Metadata);
}

/// <summary>The rules every set of components must follow; each method returns the problems it finds.</summary>
internal static class ComponentRules
{
    public static readonly IReadOnlyList<string> AppIds = [DaprNames.AppIds.SyncWorker, DaprNames.AppIds.WebhookReceiver];

    public static IReadOnlyList<string> NamesMatchCode(IReadOnlyList<ComponentView> components)
    {
        var declared = components.Select(c => c.Name).ToList();
        return DaprNames.Components.All.Except(declared).Select(n => $"'{n}' (DaprNames.Components) is not declared")
            .Concat(declared.Except(DaprNames.Components.All).Select(n => $"'{n}' is not a name in DaprNames.Components.All"))
            .Concat(declared.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => $"'{g.Key}' is declared {g.Count()} times"))
            .ToList();
    }

    public static IReadOnlyList<string> ScopedToKnownApps(IEnumerable<(string Source, IReadOnlyList<string> Scopes)> resources) =>
        resources.SelectMany(r => r.Scopes.Count == 0
                ? [$"{r.Source} has no scopes (every app would load it)"]
                : r.Scopes.Where(s => !AppIds.Contains(s)).Select(s => $"{r.Source} is scoped to unknown app id '{s}'")
                    .Concat(r.Scopes.Count != r.Scopes.Distinct().Count() ? [$"{r.Source} repeats a scope"] : []))
            .ToList();

    public static IReadOnlyList<string> ScopedToKnownApps(IEnumerable<ComponentView> components) =>
        ScopedToKnownApps(components.Select(c => (c.Source, c.Scopes)));

    public static IReadOnlyList<string> CronIsScopedToSyncWorkerOnly(IReadOnlyList<ComponentView> components)
    {
        var cron = components.Where(c => c.Name == DaprNames.Components.SyncCron).ToList();
        if (cron.Count != 1)
        {
            return [$"expected one '{DaprNames.Components.SyncCron}', found {cron.Count}"];
        }

        var problems = new List<string>();
        if (cron[0].Type != "bindings.cron")
        {
            problems.Add($"{cron[0].Source} has type '{cron[0].Type}', expected bindings.cron");
        }

        if (!cron[0].Scopes.SequenceEqual([DaprNames.AppIds.SyncWorker]))
        {
            problems.Add($"{cron[0].Source} is scoped to [{string.Join(", ", cron[0].Scopes)}], expected [sync-worker] only");
        }

        if (string.IsNullOrWhiteSpace(cron[0].Metadata.FirstOrDefault(m => m.Name == "schedule")?.Value))
        {
            problems.Add($"{cron[0].Source} has no schedule");
        }

        return problems;
    }

    /// <summary>Workflows need exactly one actor state store, and the code expects it to be the state store.</summary>
    public static IReadOnlyList<string> StateStoreIsTheOnlyActorStore(IReadOnlyList<ComponentView> components)
    {
        var actorStores = components
            .Where(c => string.Equals(c.Metadata.FirstOrDefault(m => m.Name == "actorStateStore")?.Value, "true", StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Name)
            .ToList();
        return actorStores.SequenceEqual([DaprNames.Components.StateStore])
            ? []
            : [$"actor state stores are [{string.Join(", ", actorStores)}], expected exactly [{DaprNames.Components.StateStore}]"];
    }

    public static IReadOnlyList<string> ScopesMatch(IReadOnlyList<ComponentView> expected, IReadOnlyList<ComponentView> actual) =>
        expected.Join(actual, e => e.Name, a => a.Name, (e, a) => (e, a))
            .Where(p => !p.e.Scopes.Order().SequenceEqual(p.a.Scopes.Order()))
            .Select(p => $"{p.a.Source} is scoped to [{string.Join(", ", p.a.Scopes)}] but {p.e.Source} to [{string.Join(", ", p.e.Scopes)}]")
            .ToList();

    /// <summary>Types that only work on one machine or inside one sidecar.</summary>
    public static IReadOnlyList<string> UseProductionTypes(IEnumerable<ComponentView> components) =>
        components.Where(c => c.Type is "state.sqlite" or "state.in-memory" or "pubsub.in-memory" or "secretstores.local.file" or "secretstores.local.env")
            .Select(c => $"{c.Source} uses the local-only type '{c.Type}'")
            .ToList();

    /// <summary>All rules that hold for every deploy target.</summary>
    public static IReadOnlyList<string> All(IReadOnlyList<ComponentView> components) =>
    [
        .. NamesMatchCode(components),
        .. ScopedToKnownApps(components),
        .. CronIsScopedToSyncWorkerOnly(components),
        .. StateStoreIsTheOnlyActorStore(components),
    ];
}
