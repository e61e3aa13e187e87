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

/// <summary>Contacts and Employees → users: map, resolve organizations, look up, decide, write, remember.</summary>
internal sealed class UserStep(IConnectorStateStore store, IZendeskTarget zendesk, AccountDirectory directory, IOptions<ThroughputOptions> throughput)
{
    private readonly int maxConcurrentWrites = throughput.Value.MaxConcurrentWrites;

    public async Task<IReadOnlyList<WorkItem>> RunAsync(PageScope scope, IReadOnlyList<AcumaticaRecord> records, CancellationToken cancellationToken)
    {
        var tenant = scope.Tenant;
        var items = new List<WorkItem>();
        var payloads = new Dictionary<WorkItem, UserPayload>();
        foreach (var record in records)
        {
            var item = new WorkItem(record, ExternalIds.User(record.Kind, record.Key));
            items.Add(item);
            var mapped = UserMapper.Map((AcumaticaPerson)record, tenant);
            if (mapped.Value is null)
            {
                item.Skip(mapped.SkipReason!);
            }
            else
            {
                payloads[item] = mapped.Value;
            }
        }

        if (payloads.Count == 0)
        {
            return items;
        }

        var organizations = await ResolveOrganizationsAsync(scope, payloads.Values, cancellationToken).ConfigureAwait(false);
        foreach (var item in payloads.Keys.ToArray())
        {
            var orgExternalId = payloads[item].OrganizationExternalId;
            long? orgId = orgExternalId is not null && organizations.TryGetValue(orgExternalId, out var resolved) ? resolved : null;
            payloads[item] = payloads[item] with { OrganizationId = orgId };
            item.Fingerprint = Fingerprint.Of(payloads[item]);
            if (orgExternalId is not null && orgId is null)
            {
                item.PendingOrganization = orgExternalId;
                item.Reason = $"organization '{orgExternalId}' is not in Zendesk yet; user written without organization";
            }
        }

        var mappedItems = payloads.Keys.ToArray();
        var stateKeys = mappedItems.ToDictionary(i => i, i => StateKeys.UserTarget(tenant.Id, i.ExternalId));
        var states = await store.GetManyAsync<UserTargetState>(stateKeys.Values.ToArray(), cancellationToken).ConfigureAwait(false);
        var found = (await Batching.InChunksAsync(
                mappedItems.Select(i => i.ExternalId).ToArray(),
                chunk => zendesk.FindUsersByExternalIdsAsync(tenant, chunk, cancellationToken), maxConcurrentWrites).ConfigureAwait(false))
            .Where(u => u.ExternalId is not null)
            .GroupBy(u => u.ExternalId!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

        var addIdentity = new HashSet<WorkItem>();
        var fresh = new List<WorkItem>();
        foreach (var item in mappedItems)
        {
            var state = states.GetValueOrDefault(stateKeys[item]);
            var payload = payloads[item];
            if (found.TryGetValue(item.ExternalId, out var user))
            {
                item.ZendeskId = user.Id;
                if (state is not null && state.ZendeskId == user.Id && state.Fingerprint == item.Fingerprint)
                {
                    item.Action = PlannedAction.Unchanged;
                    continue;
                }

                item.Action = PlannedAction.Update;
                var knownEmail = state is not null && state.ZendeskId == user.Id ? state.Email : user.Email;
                if (payload.Email is not null && !string.Equals(knownEmail, payload.Email, StringComparison.OrdinalIgnoreCase))
                {
                    addIdentity.Add(item);
                }
            }
            else
            {
                item.Action = state is null ? PlannedAction.Create : PlannedAction.Recreate;
                if (state is not null)
                {
                    item.Reason = $"user #{state.ZendeskId} is gone from Zendesk; creating it again";
                }

                fresh.Add(item);
            }
        }

        await MatchByEmailAsync(scope, fresh, payloads, cancellationToken).ConfigureAwait(false);
        if (scope.DryRun)
        {
            return items;
        }

        // create_or_update finds users by e-mail or external_id only (an id in the body is ignored), so an adopted user is
        // written like a create: found by the e-mail it was matched by (no new identity) and stamped with our external_id.
        var writes = items.Where(i => i.Action is PlannedAction.Create or PlannedAction.Recreate or PlannedAction.Update or PlannedAction.Adopt)
            .Select(i => (i, i.Action is PlannedAction.Create or PlannedAction.Recreate or PlannedAction.Adopt
                ? new UserWrite(null, payloads[i])
                : new UserWrite(i.ZendeskId, payloads[i] with { Email = null })))
            .ToArray();
        await Batching.WriteAsync(
            writes,
            chunk => zendesk.CreateOrUpdateUsersAsync(tenant, chunk, cancellationToken),
            Batching.ApplyWrite,
            maxConcurrentWrites).ConfigureAwait(false);

        foreach (var item in addIdentity.Where(i => i.Action == PlannedAction.Update))
        {
            var result = await zendesk.AddEmailIdentityAsync(
                tenant,
                item.ZendeskId!.Value,
                payloads[item].Email!,
                tenant.Mapping.MakeNewEmailPrimary,
                cancellationToken)
                .ConfigureAwait(false);
            if (result.Error is { } error)
            {
                item.Fail(error);
            }
            else
            {
                item.EmailIdentityAdded = true;
            }
        }

        var written = items.Where(i => i.Action is PlannedAction.Create or PlannedAction.Recreate or PlannedAction.Update or PlannedAction.Adopt).ToArray();
        foreach (var item in written)
        {
            if (payloads[item].Email is { } email)
            {
                directory.UserWritten(scope, email, item.ZendeskId!.Value, item.ExternalId, payloads[item].Name);
            }
        }

        await store.SaveManyAsync(
            [.. written.Select(i => KeyValuePair.Create(stateKeys[i], new UserTargetState(i.ZendeskId!.Value, i.Fingerprint!, payloads[i].Email)))],
            cancellationToken).ConfigureAwait(false);

        foreach (var group in items.Where(i => i.PendingOrganization is not null && i.Ref.Kind == EntityKind.Contact && i.Action != PlannedAction.Fail)
                     .GroupBy(i => i.PendingOrganization!, StringComparer.OrdinalIgnoreCase))
        {
            await store.UpdateAsync<List<string>>(
                StateKeys.PendingOrganizationLinks(tenant.Id, group.Key),
                keys => [.. (keys ?? []).Union(group.Select(i => i.Ref.Key), StringComparer.Ordinal)],
                cancellationToken).ConfigureAwait(false);
        }

        return items;
    }

    /// <summary>
    /// Matches new users by e-mail: an unlinked user is adopted, reported or refused (per policy); one linked to another
    /// external_id is a conflict. Two new records with one e-mail in a page: only the first goes ahead.
    /// </summary>
    private async Task MatchByEmailAsync(PageScope scope, List<WorkItem> fresh, Dictionary<WorkItem, UserPayload> payloads, CancellationToken cancellationToken)
    {
        var tenant = scope.Tenant;
        var withEmail = fresh.Where(i => payloads[i].Email is not null).ToArray();
        if (withEmail.Length == 0)
        {
            return;
        }

        var emails = withEmail.Select(i => payloads[i].Email!).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var byEmail = await directory.UsersByEmailAsync(scope, emails.Length, cancellationToken).ConfigureAwait(false)
            ?? (await Batching.InChunksAsync(emails, c =>
                zendesk.FindUsersByEmailsAsync(tenant, c, cancellationToken), maxConcurrentWrites).ConfigureAwait(false))
                .Where(u => u.Email is not null).GroupBy(u => u.Email!, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var claimed = new Dictionary<string, WorkItem>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in withEmail)
        {
            var email = payloads[item].Email!;
            if (claimed.TryGetValue(email, out var first))
            {
                item.Fail(
                    new WriteError(
                        WriteErrorKind.Conflict,
                        "EmailInPage",
                        $"the e-mail address is also used by {first.Ref.Kind} {first.Ref.Key} in the same page",
                        "email"));
                continue;
            }

            claimed[email] = item;
            if (!byEmail.TryGetValue(email, out var user))
            {
                continue;
            }

            item.CandidateIds.Add(user.Id);
            var name = payloads[item].Name;
            if (!string.IsNullOrWhiteSpace(user.ExternalId))
            {
                var message = $"the e-mail address belongs to Zendesk user #{user.Id}, which is linked to external_id '{user.ExternalId}'";
                item.Fail(new WriteError(WriteErrorKind.Conflict, "EmailInUse", message, "email"));
                item.Onboarding = new OnboardingCase(item.Ref.Kind, item.Ref.Key, name, OnboardingOutcome.Conflict, [user.Id], message, scope.RunId, scope.Now);
            }
            else if (tenant.Onboarding == OnboardingPolicy.Adopt)
            {
                item.Action = PlannedAction.Adopt;
                item.ZendeskId = user.Id;
                item.Reason = $"adopted existing user #{user.Id} (matched by e-mail)";
                item.Onboarding = new OnboardingCase(
                    item.Ref.Kind,
                    item.Ref.Key,
                    name,
                    OnboardingOutcome.Adopted,
                    [user.Id],
                    item.Reason,
                    scope.RunId,
                    scope.Now);
            }
            else if (tenant.Onboarding == OnboardingPolicy.ReportOnly)
            {
                var reason = $"report-only: matches existing user #{user.Id} by e-mail; not written";
                item.Skip(reason);
                item.Onboarding = new OnboardingCase(item.Ref.Kind, item.Ref.Key, name, OnboardingOutcome.Matched, [user.Id], reason, scope.RunId, scope.Now);
            }
            else
            {
                var message = $"create-only: the e-mail address belongs to existing Zendesk user #{user.Id}";
                item.Fail(new WriteError(WriteErrorKind.DuplicateValue, "EmailInUse", message, "email"));
                item.Onboarding = new OnboardingCase(item.Ref.Kind, item.Ref.Key, name, OnboardingOutcome.Conflict, [user.Id], message, scope.RunId, scope.Now);
            }
        }
    }

    /// <summary>Zendesk ids of the users' organizations (from our state, else by lookup; the tenant's own one is created when missing).</summary>
    private async Task<Dictionary<string, long>> ResolveOrganizationsAsync(
        PageScope scope,
        IEnumerable<UserPayload> payloads,
        CancellationToken cancellationToken)
    {
        var tenant = scope.Tenant;
        var wanted = payloads.Select(p => p.OrganizationExternalId).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var result = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        if (wanted.Length == 0)
        {
            return result;
        }

        var states = await store.GetManyAsync<OrganizationTargetState>(
            wanted.Select(w => StateKeys.OrganizationTarget(tenant.Id, w)).ToArray(),
            cancellationToken)
            .ConfigureAwait(false);
        foreach (var externalId in wanted)
        {
            if (states.GetValueOrDefault(StateKeys.OrganizationTarget(tenant.Id, externalId)) is { } state)
            {
                result[externalId] = state.ZendeskId;
            }
        }

        var missing = wanted.Where(w => !result.ContainsKey(w)).ToArray();
        if (missing.Length > 0)
        {
            var found = await Batching.InChunksAsync(
                missing,
                c => zendesk.FindOrganizationsByExternalIdsAsync(tenant, c, cancellationToken),
                maxConcurrentWrites)
                .ConfigureAwait(false);
            foreach (var organization in found.Where(o => o.ExternalId is not null))
            {
                result[organization.ExternalId!] = organization.Id;
            }
        }

        var own = UserMapper.OwnOrganizationExternalId(tenant);
        var ownKey = StateKeys.OrganizationTarget(tenant.Id, own);
        if (!scope.DryRun && wanted.Contains(own, StringComparer.OrdinalIgnoreCase) && !states.ContainsKey(ownKey))
        {
            // Not known to our state (usually the customer page made sure of it): found above, else created here;
            // remembered either way, so the next pages and runs need no lookup for it.
            if ((result.TryGetValue(own, out var known) ? known : await EnsureOwnOrganizationAsync(tenant, cancellationToken).ConfigureAwait(false)) is { } id)
            {
                result[own] = id;
                await store.SaveAsync(
                    ownKey,
                    new OrganizationTargetState(id, Fingerprint.Of(UserMapper.OwnOrganization(tenant)), new Dictionary<string, OrganizationContribution>()),
                    cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    /// <summary>Creates the tenant's own organization (employees' default); adopts an unlinked one with that name when the name is taken.</summary>
    private async Task<long?> EnsureOwnOrganizationAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var payload = UserMapper.OwnOrganization(tenant);
        var created = (await zendesk.CreateOrganizationsAsync(tenant, [payload], cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (created is { Success: true })
        {
            return created.Id;
        }

        if (created?.Error?.Kind != WriteErrorKind.DuplicateValue || tenant.Onboarding != OnboardingPolicy.Adopt)
        {
            return null;
        }

        var sameName = (await zendesk.FindOrganizationsByNamesAsync(tenant, [payload.Name], cancellationToken).ConfigureAwait(false))
            .Where(o => string.IsNullOrWhiteSpace(o.ExternalId) && string.Equals(o.Name.Trim(), payload.Name.Trim(), StringComparison.OrdinalIgnoreCase))
            .ToArray();
        if (sameName.Length != 1)
        {
            return null;
        }

        var adopted = (await zendesk.UpdateOrganizationsAsync(tenant, [new OrganizationUpdate(sameName[0].Id, payload)], cancellationToken).ConfigureAwait(
            false)).FirstOrDefault();
        return adopted is { Success: true } ? adopted.Id : null;
    }
}
