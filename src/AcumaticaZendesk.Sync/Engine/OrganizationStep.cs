using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Fingerprints;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>Customers and Vendors → organizations: map, look up, decide, write, remember.</summary>
internal sealed class OrganizationStep(IConnectorStateStore store, IZendeskTarget zendesk, AccountDirectory directory, IOptions<ThroughputOptions> throughput)
{
    private readonly int maxConcurrentWrites = throughput.Value.MaxConcurrentWrites;

    /// <param name="withOwnOrganization">
    /// Also make sure the tenant's own organization exists, in the same chunks (not audited); when its name is taken, the
    /// employee page's own attempt handles it.
    /// </param>
    public async Task<IReadOnlyList<WorkItem>> RunAsync(
        PageScope scope,
        IReadOnlyList<AcumaticaRecord> records,
        bool withOwnOrganization,
        CancellationToken cancellationToken)
    {
        var tenant = scope.Tenant;
        var items = new List<WorkItem>();
        var contributions = new Dictionary<WorkItem, OrganizationContribution>();
        foreach (var record in records)
        {
            var account = (AcumaticaAccount)record;
            var item = new WorkItem(record, ExternalIds.Organization(record.Key));
            items.Add(item);
            var mapped = OrganizationMapper.Map(account, tenant.Mapping);
            if (mapped.Value is null)
            {
                item.Skip(mapped.SkipReason!);
                continue;
            }

            contributions[item] = mapped.Value;
        }

        var mappedItems = contributions.Keys.ToArray();
        if (mappedItems.Length == 0 && (!withOwnOrganization || scope.DryRun))
        {
            return items;
        }

        var stateKeys = mappedItems.ToDictionary(i => i, i => StateKeys.OrganizationTarget(tenant.Id, i.ExternalId));
        var ownKey = withOwnOrganization && !scope.DryRun ? StateKeys.OrganizationTarget(tenant.Id, UserMapper.OwnOrganizationExternalId(tenant)) : null;
        var states = await store.GetManyAsync<OrganizationTargetState>([.. stateKeys.Values, .. ownKey is null ? [] : new[] { ownKey }], cancellationToken)
            .ConfigureAwait(false);
        (WorkItem Item, OrganizationPayload Payload)? own = ownKey is null ? null : OwnOrganizationItem(scope);
        var ownKnown = ownKey is null ? null : states.GetValueOrDefault(ownKey);
        var payloads = new Dictionary<WorkItem, (OrganizationPayload Payload, Dictionary<string, OrganizationContribution> Contributions)>();
        foreach (var item in mappedItems)
        {
            var merged = new Dictionary<string, OrganizationContribution>(
                states.GetValueOrDefault(stateKeys[item])?.Contributions ?? new Dictionary<string, OrganizationContribution>(),
                StringComparer.Ordinal)
            {
                [KindName(item.Ref.Kind)] = contributions[item],
            };
            var payload = OrganizationMapper.Merge(merged.Values);
            payloads[item] = (payload, merged);
            item.Fingerprint = Fingerprint.Of(payload);
        }

        var found = (await Batching.InChunksAsync(
                mappedItems.Select(i => i.ExternalId).Concat(own is null ? [] : [own.Value.Item.ExternalId])
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .ToArray(),
                chunk => zendesk.FindOrganizationsByExternalIdsAsync(tenant, chunk, cancellationToken), maxConcurrentWrites).ConfigureAwait(false))
            .Where(o => o.ExternalId is not null)
            .GroupBy(o => o.ExternalId!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

        var fresh = new List<WorkItem>();
        foreach (var item in mappedItems)
        {
            var state = states.GetValueOrDefault(stateKeys[item]);
            if (found.TryGetValue(item.ExternalId, out var organization))
            {
                item.ZendeskId = organization.Id;
                item.Action = state is not null && state.ZendeskId == organization.Id && state.Fingerprint == item.Fingerprint
                    ? PlannedAction.Unchanged
                    : PlannedAction.Update;
            }
            else if (state is not null)
            {
                item.Action = PlannedAction.Recreate;
                item.Reason = $"organization #{state.ZendeskId} is gone from Zendesk; creating it again";
            }
            else
            {
                item.Action = PlannedAction.Create;
                fresh.Add(item);
            }
        }

        if (own is { Item: var ownItem })
        {
            ownItem.Action = found.TryGetValue(ownItem.ExternalId, out var existing) ? PlannedAction.Unchanged : PlannedAction.Create;
            ownItem.ZendeskId = existing?.Id;
        }

        if (scope.FirstLoad && tenant.Onboarding != OnboardingPolicy.CreateOnly && fresh.Count > 0)
        {
            await MatchExistingAsync(scope, fresh, contributions, payloads.ToDictionary(p =>
                p.Key, p => p.Value.Payload), cancellationToken).ConfigureAwait(false);
        }

        if (scope.DryRun)
        {
            return items;
        }

        var creates = items.Where(i => i.Action is PlannedAction.Create or PlannedAction.Recreate).Select(i => (i, payloads[i].Payload))
            .Concat(own is { Item.Action: PlannedAction.Create } ? [own.Value] : []).ToArray();
        var updates = items.Where(i => i.Action is PlannedAction.Update or PlannedAction.Adopt)
            .Select(i => (i, new OrganizationUpdate(i.ZendeskId!.Value, payloads[i].Payload))).ToArray();
        var writeCreates = () =>
            Batching.WriteAsync(creates, chunk => zendesk.CreateOrganizationsAsync(tenant, chunk, cancellationToken), Batching.ApplyWrite, maxConcurrentWrites);
        var writeUpdates = () =>
            Batching.WriteAsync(updates, chunk => zendesk.UpdateOrganizationsAsync(tenant, chunk, cancellationToken), Batching.ApplyWrite, maxConcurrentWrites);
        if (CreatesMayRaceUpdates(creates.Select(c => c.Payload), updates.Select(u => u.Item1), found))
        {
            // A create wants a name an updated organization holds now (a rename in this page may free it, or not):
            // creates first, then updates, so the create fails cleanly and is retried next run, never wins a race.
            await writeCreates().ConfigureAwait(false);
            await writeUpdates().ConfigureAwait(false);
        }
        else
        {
            // No name in common: the page's create and update jobs run side by side (one job round instead of two).
            await Task.WhenAll(writeCreates(), writeUpdates()).ConfigureAwait(false);
        }

        var targets = new List<KeyValuePair<string, OrganizationTargetState>>();
        foreach (var item in items.Where(i => i.Action is PlannedAction.Create or PlannedAction.Recreate or PlannedAction.Update or PlannedAction.Adopt))
        {
            if (item.Action == PlannedAction.Adopt)
            {
                directory.OrganizationLinked(scope, item.ZendeskId!.Value);
            }

            var target = new OrganizationTargetState(item.ZendeskId!.Value, item.Fingerprint!, payloads[item].Contributions);
            targets.Add(KeyValuePair.Create(stateKeys[item], target));
        }

        if (own is { Item: { ZendeskId: { } ownId, Action: not PlannedAction.Fail } written } && ownId != ownKnown?.ZendeskId)
        {
            var target = new OrganizationTargetState(ownId, written.Fingerprint!, new Dictionary<string, OrganizationContribution>());
            targets.Add(KeyValuePair.Create(ownKey!, target));
        }

        await store.SaveManyAsync(targets, cancellationToken).ConfigureAwait(false);

        return items;
    }

    /// <summary>The last page of a customer window carries the tenant's own organization; employees start after it (<see cref="SyncStages"/>).</summary>
    public static bool WritesOwnOrganization(PageScope scope, bool lastPageOfWindow) =>
        lastPageOfWindow && scope.Kind == EntityKind.Customer && !scope.DryRun && !scope.Replay
        && scope.Tenant.IsEnabled(EntityKind.Employee) && scope.Tenant.Mapping.EmployeeOrganization.Enabled;

    private static (WorkItem Item, OrganizationPayload Payload) OwnOrganizationItem(PageScope scope)
    {
        var payload = UserMapper.OwnOrganization(scope.Tenant);
        var item = new WorkItem(
            new OwnOrganizationRecord { Kind = scope.Kind, Key = payload.ExternalId!, LastModifiedDateTime = scope.Now },
            payload.ExternalId!)
        {
            Fingerprint = Fingerprint.Of(payload),
        };
        return (item, payload);
    }

    /// <summary>Stand-in record for the tenant's own organization while it rides along with a page (never audited).</summary>
    private sealed record OwnOrganizationRecord : AcumaticaRecord;

    /// <summary>
    /// Onboarding: a new account matches an unlinked organization by name (trimmed, case-insensitive) or domain. One
    /// candidate for one account → adopt (or report); anything else → ambiguous, listed for the operator.
    /// </summary>
    private async Task MatchExistingAsync(
        PageScope scope, List<WorkItem> fresh, Dictionary<WorkItem, OrganizationContribution> contributions, Dictionary<
            WorkItem,
            OrganizationPayload> payloads, CancellationToken cancellationToken)
    {
        var tenant = scope.Tenant;
        var domainsOf = fresh.ToDictionary(i => i, i => payloads[i].DomainNames
            .Append(contributions[i].EmailDomain).OfType<string>().Where(d => !Domains.IsPublic(d))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray());
        var unlinked = await directory.UnlinkedOrganizationsAsync(scope, cancellationToken).ConfigureAwait(false);

        var candidates = fresh.ToDictionary(i => i, i => unlinked.Where(o =>
                string.Equals(o.Name.Trim(), payloads[i].Name.Trim(), StringComparison.OrdinalIgnoreCase)
                || o.DomainNames.Any(d => domainsOf[i].Contains(d.Trim(), StringComparer.OrdinalIgnoreCase)))
            .Select(o => o.Id).Order().ToArray());
        var claims = candidates.Values.SelectMany(ids => ids).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

        foreach (var item in fresh)
        {
            var ids = candidates[item];
            if (ids.Length == 0)
            {
                continue;
            }

            item.CandidateIds.AddRange(ids);
            var name = payloads[item].Name;
            if (ids.Length > 1 || claims[ids[0]] > 1)
            {
                var reason = ids.Length > 1
                    ? $"{PlannedReasons.Ambiguous}{ids.Length} Zendesk organizations without external_id match by name or domain "
                        + $"({string.Join(", ", ids.Select(id => $"#{id}"))})"
                    : $"{PlannedReasons.Ambiguous}Zendesk organization #{ids[0]} matches several accounts";
                item.Skip(reason);
                item.Onboarding = new OnboardingCase(item.Ref.Kind, item.Ref.Key, name, OnboardingOutcome.Ambiguous, ids, reason, scope.RunId, scope.Now);
            }
            else if (tenant.Onboarding == OnboardingPolicy.Adopt)
            {
                item.Action = PlannedAction.Adopt;
                item.ZendeskId = ids[0];
                item.Reason = $"adopted existing organization #{ids[0]} (matched by name or domain)";
                item.Onboarding = new OnboardingCase(item.Ref.Kind, item.Ref.Key, name, OnboardingOutcome.Adopted, ids, item.Reason, scope.RunId, scope.Now);
            }
            else
            {
                var reason = $"report-only: matches existing organization #{ids[0]}; not written";
                item.Skip(reason);
                item.Onboarding = new OnboardingCase(item.Ref.Kind, item.Ref.Key, name, OnboardingOutcome.Matched, ids, reason, scope.RunId, scope.Now);
            }
        }
    }

    /// <summary>
    /// True when a create's name equals the current name of an organization being updated, or one is adopted (its current
    /// name is not known here).
    /// </summary>
    internal static bool CreatesMayRaceUpdates(
        IEnumerable<OrganizationPayload> creates,
        IEnumerable<WorkItem> updates,
        IReadOnlyDictionary<string, TargetOrganization> found)
    {
        var held = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in updates)
        {
            if (item.Action == PlannedAction.Adopt || !found.TryGetValue(item.ExternalId, out var current))
            {
                return creates.Any();
            }

            held.Add(current.Name.Trim());
        }

        return held.Count > 0 && creates.Any(c => held.Contains(c.Name.Trim()));
    }

    internal static string KindName(EntityKind kind) => kind.ToString().ToLowerInvariant();
}
