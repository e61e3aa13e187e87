using System.Text.Json;
using AcumaticaZendesk.Sync.Json;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;

namespace AcumaticaZendesk.Sync.Tenants;

/// <summary>The list of tenant ids (the Dapr state API cannot list keys).</summary>
public sealed record TenantIndex(IReadOnlyList<string> Ids);

/// <summary>What seeding did with one tenant of the config file.</summary>
public enum SeedOutcome
{
    Created,
    AlreadyPresent,
}

/// <summary>Tenants in the state store, plus their index; every save validates first.</summary>
public sealed class TenantRepository(IConnectorStateStore store, TimeProvider timeProvider) : ITenantDirectory
{
    public async Task<TenantConfig?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return (await store.GetAsync<TenantConfig>(StateKeys.Tenant(tenantId), cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>Gets a tenant or throws <see cref="KeyNotFoundException"/>.</summary>
    public async Task<TenantConfig> GetRequiredAsync(string tenantId, CancellationToken cancellationToken) =>
        await GetAsync(tenantId, cancellationToken).ConfigureAwait(false)
        ?? throw new KeyNotFoundException($"Tenant '{tenantId}' does not exist.");

    public async Task<IReadOnlyList<TenantConfig>> ListAsync(CancellationToken cancellationToken)
    {
        var index = (await store.GetAsync<TenantIndex>(StateKeys.TenantIndex, cancellationToken).ConfigureAwait(false)).Value;
        if (index is null || index.Ids.Count == 0)
        {
            return [];
        }

        var tenants = await store.GetManyAsync<TenantConfig>(index.Ids.Select(StateKeys.Tenant).ToArray(), cancellationToken).ConfigureAwait(false);
        return index.Ids.Select(id => tenants.GetValueOrDefault(StateKeys.Tenant(id))).OfType<TenantConfig>().ToArray();
    }

    public async Task<IReadOnlyList<string>> ListRunnableTenantIdsAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).Where(t => t.IsRunnable).Select(t => t.Id).ToArray();

    /// <summary>Creates or replaces a tenant after validating it.</summary>
    public async Task SaveAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        TenantValidator.ThrowIfInvalid(tenant);
        await store.SaveAsync(StateKeys.Tenant(tenant.Id), tenant, cancellationToken).ConfigureAwait(false);
        await AddToIndexAsync(tenant.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string tenantId, CancellationToken cancellationToken)
    {
        await store.UpdateAsync<TenantIndex>(
            StateKeys.TenantIndex,
            index => new TenantIndex((index?.Ids ?? []).Where(id => id != tenantId).ToArray()),
            cancellationToken).ConfigureAwait(false);
        await store.DeleteAsync(StateKeys.Tenant(tenantId), cancellationToken).ConfigureAwait(false);
    }

    public Task<TenantConfig> SetPausedAsync(string tenantId, bool paused, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, t => t with { Paused = paused }, cancellationToken);

    /// <summary>Marks a tenant as waiting for an operator to authorize <paramref name="system"/> again; other tenants go on.</summary>
    public Task<TenantConfig> MarkNeedsAuthorizationAsync(string tenantId, ConnectedSystem system, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, t => t with { Authorization = new AuthorizationState(true, system, reason, timeProvider.GetUtcNow()) }, cancellationToken);

    public Task<TenantConfig> ClearNeedsAuthorizationAsync(string tenantId, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, t => t with { Authorization = null }, cancellationToken);

    /// <summary>
    /// Seeds tenants from configuration: creates missing ones, leaves existing ones alone (operator changes win). All are
    /// validated first; one invalid tenant stops the seeding.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SeedOutcome>> SeedAsync(IReadOnlyList<TenantConfig> tenants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        var errors = tenants.SelectMany((t, i) => TenantValidator.Validate(t, $"tenants[{i}].")).ToList();
        errors.AddRange(tenants.Select((t, i) => (t, i))
            .Where(x => tenants.Take(x.i).Any(o => o.Id == x.t.Id))
            .Select(x => new ValidationError($"tenants[{x.i}].id", $"'{x.t.Id}' is used by an earlier tenant")));
        if (errors.Count > 0)
        {
            throw new TenantValidationException("(seed)", errors);
        }

        var outcomes = new Dictionary<string, SeedOutcome>(StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            var created = await store.TrySaveAsync(StateKeys.Tenant(tenant.Id), tenant, etag: null, cancellationToken).ConfigureAwait(false);
            await AddToIndexAsync(tenant.Id, cancellationToken).ConfigureAwait(false);
            outcomes[tenant.Id] = created ? SeedOutcome.Created : SeedOutcome.AlreadyPresent;
        }

        return outcomes;
    }

    /// <summary>Parses a JSON array of tenants (the seed file or config section rendered as JSON).</summary>
    public static IReadOnlyList<TenantConfig> ParseSeed(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<TenantConfig>>(json, SyncJson.Options) ?? [];
        }
        catch (JsonException ex)
        {
            throw new TenantValidationException("(seed)", [new ValidationError(ex.Path is { Length: > 1 } p ? "tenants" + p[1..] : "tenants", ex.Message)]);
        }
    }

    private async Task<TenantConfig> ChangeAsync(string tenantId, Func<TenantConfig, TenantConfig> change, CancellationToken cancellationToken) =>
        await store.UpdateAsync<TenantConfig>(
            StateKeys.Tenant(tenantId),
            current => change(current ?? throw new KeyNotFoundException($"Tenant '{tenantId}' does not exist.")),
            cancellationToken).ConfigureAwait(false);

    private Task AddToIndexAsync(string tenantId, CancellationToken cancellationToken) =>
        store.UpdateAsync<TenantIndex>(
            StateKeys.TenantIndex,
            index => index is not null && index.Ids.Contains(tenantId) ? index : new TenantIndex([.. index?.Ids ?? [], tenantId]),
            cancellationToken);
}
