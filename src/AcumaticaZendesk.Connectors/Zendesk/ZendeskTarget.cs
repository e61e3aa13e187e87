using System.Collections.Concurrent;
using System.Net;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Sync.Throughput;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.Zendesk;

/// <summary>
/// <see cref="IZendeskTarget"/> over the tenant's Zendesk client from <see cref="TenantClients"/> (the one gate that
/// builds it from the tenant's settings, OAuth client and encrypted tokens). Organizations are written with <c>create_many</c>/<c>update_many</c> jobs, users
/// with
/// <c>create_or_update_many</c> (single calls when the account refuses bulk import); per-item results come
/// back in request order. A token that cannot be refreshed becomes <see cref="AuthorizationRequiredException"/>.
/// </summary>
public sealed partial class ZendeskTarget(
    TenantClients clients,
    IOptions<ThroughputOptions> throughput,
    ILogger<ZendeskTarget> logger) : IZendeskTarget
{
    public Task<IReadOnlyList<TargetOrganization>> FindOrganizationsByExternalIdsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> externalIds,
        CancellationToken cancellationToken) =>
        CallAsync(tenant, async client =>
        {
            var found = await client.Organizations.GetByExternalIdsAsync(externalIds, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<TargetOrganization>)found.Values.DistinctBy(o => o.Id).Select(ToCore).ToArray();
        }, cancellationToken);

    public Task<IReadOnlyList<TargetOrganization>> FindOrganizationsByNamesAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> names,
        CancellationToken cancellationToken) =>
        CallAsync(tenant, async client =>
        {
            var found = await SearchEachAsync(names, (name, ct) => client.Organizations.FindByNameAsync(name, ct), cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<TargetOrganization>)found.DistinctBy(o => o.Id).Select(ToCore).ToArray();
        }, cancellationToken);

    public Task<IReadOnlyList<TargetOrganization>> ListOrganizationsAsync(TenantConfig tenant, CancellationToken cancellationToken) =>
        CallAsync(tenant, async client =>
        {
            var all = new List<TargetOrganization>();
            await foreach (var organization in client.Organizations.ListAsync(cancellationToken).ConfigureAwait(false))
                all.Add(ToCore(organization));
            return (IReadOnlyList<TargetOrganization>)all;
        }, cancellationToken);

    public Task<IReadOnlyList<TargetUser>?> ListUsersAsync(TenantConfig tenant, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return CallAsync(tenant, async client =>
        {
            var all = new List<TargetUser>();
            await foreach (var user in client.Users.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (all.Count == limit)
                    return null;
                all.Add(ToCore(user));
            }

            return (IReadOnlyList<TargetUser>?)all;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<TargetUser>> FindUsersByExternalIdsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> externalIds,
        CancellationToken cancellationToken) =>
        CallAsync(tenant, async client =>
        {
            var found = await client.Users.GetByExternalIdsAsync(externalIds, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<TargetUser>)found.Values.DistinctBy(u => u.Id).Select(ToCore).ToArray();
        }, cancellationToken);

    public Task<IReadOnlyList<TargetUser>> FindUsersByEmailsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> emails,
        CancellationToken cancellationToken) =>
        CallAsync(tenant, async client =>
        {
            var found = await SearchEachAsync(emails, (email, ct) => client.Users.FindByEmailAsync(email, ct), cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<TargetUser>)found.DistinctBy(u => u.Id).Select(ToCore).ToArray();
        }, cancellationToken);

    public Task<IReadOnlyList<WriteResult>> CreateOrganizationsAsync(
        TenantConfig tenant,
        IReadOnlyList<OrganizationPayload> organizations,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        if (organizations.Count == 0)
            return Task.FromResult<IReadOnlyList<WriteResult>>([]);
        return CallAsync(tenant, async client => ToResults(
            await client.Organizations.CreateManyAsync(organizations.Select(o => ToWrite(o, id: null)).ToArray(), cancellationToken).ConfigureAwait(false),
            organizations.Count), cancellationToken);
    }

    public Task<IReadOnlyList<WriteResult>> UpdateOrganizationsAsync(
        TenantConfig tenant,
        IReadOnlyList<OrganizationUpdate> updates,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
            return Task.FromResult<IReadOnlyList<WriteResult>>([]);
        return CallAsync(tenant, async client => ToResults(
            await client.Organizations.UpdateManyAsync(updates.Select(u => ToWrite(u.Organization, u.Id)).ToArray(), cancellationToken).ConfigureAwait(false),
            updates.Count), cancellationToken);
    }

    public Task<IReadOnlyList<WriteResult>> CreateOrUpdateUsersAsync(TenantConfig tenant, IReadOnlyList<UserWrite> users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        if (users.Count == 0)
            return Task.FromResult<IReadOnlyList<WriteResult>>([]);
        return CallAsync(tenant, async client => ToResults(
            await client.Users.UpsertManyAsync(users.Select(ToUpsert).ToArray(), cancellationToken).ConfigureAwait(false),
            users.Count), cancellationToken);
    }

    public Task<WriteResult> AddEmailIdentityAsync(TenantConfig tenant, long userId, string email, bool makePrimary, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        return CallAsync(tenant, async client =>
        {
            var result = await client.Users.AddEmailIdentityAsync(userId, email, makePrimary, skipVerifyEmail: true, cancellationToken).ConfigureAwait(false);
            return new WriteResult(0, result.Error is null ? userId : null, result.Error is null ? null : ToError(result.Error));
        }, cancellationToken);
    }

    internal static WriteError ToError(ZendeskRecordError error) => new(
        error.Kind switch
        {
            ZendeskRecordErrorKind.DuplicateValue => WriteErrorKind.DuplicateValue,
            ZendeskRecordErrorKind.Validation => WriteErrorKind.Invalid,
            ZendeskRecordErrorKind.NotFound => WriteErrorKind.NotFound,
            _ when error.Status == HttpStatusCode.Conflict => WriteErrorKind.Conflict,
            _ when error.Status == HttpStatusCode.Forbidden => WriteErrorKind.Forbidden,
            _ => WriteErrorKind.Other,
        },
        error.Code,
        error.Description,
        error.Field);

    private static IReadOnlyList<WriteResult> ToResults(IReadOnlyList<ZendeskBulkItemResult> results, int expected)
    {
        var byIndex = new WriteResult?[expected];
        foreach (var r in results)
        {
            if (r.Index >= 0 && r.Index < expected)
                byIndex[r.Index] = new WriteResult(r.Index, r.Error is null ? r.Id : null, r.Error is null ? null : ToError(r.Error));
        }

        return byIndex.Select(
            (r, i) => r ?? new WriteResult(i, null, new WriteError(WriteErrorKind.Other, "NoResult", "Zendesk reported no result for this record."))).ToArray();
    }

    private static ZendeskOrganizationWrite ToWrite(OrganizationPayload o, long? id) => new()
    {
        Id = id,
        Name = o.Name,
        ExternalId = o.ExternalId,
        Details = o.Details ?? string.Empty,
        Notes = o.Notes ?? string.Empty,
        DomainNames = o.DomainNames,
        Tags = o.Tags,
        OrganizationFields = o.OrganizationFields.ToDictionary(f => f.Key, f => (object?)f.Value, StringComparer.Ordinal),
    };

    /// <summary>An update carries the id and no e-mail (the engine adds changed e-mails as identities itself).</summary>
    private static ZendeskUserUpsert ToUpsert(UserWrite w) => new(
        new ZendeskUserWrite
        {
            Name = w.User.Name,
            ExternalId = w.User.ExternalId,
            Email = w.Id is null ? w.User.Email : null,
            OrganizationId = w.User.OrganizationId,
            Role = w.User.Role,
            Phone = w.User.Phone,
            Tags = w.User.Tags,
            SkipVerifyEmail = true,
        },
        w.Id is { } id ? new ZendeskUser { Id = id, Name = w.User.Name, ExternalId = w.User.ExternalId } : null);

    private static TargetOrganization ToCore(ZendeskOrganization o) => ZendeskCoreRecords.ToCore(o);

    private static TargetUser ToCore(ZendeskUser u) => ZendeskCoreRecords.ToCore(u);

    private async Task<IReadOnlyList<T>> SearchEachAsync<T>(
        IReadOnlyCollection<string> values,
        Func<string, CancellationToken, Task<IReadOnlyList<T>>> search,
        CancellationToken cancellationToken)
    {
        var found = new ConcurrentBag<(int Order, IReadOnlyList<T> Items)>();
        var distinct = values.Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.OrdinalIgnoreCase).Select((v, i) => (v, i)).ToArray();
        await Parallel.ForEachAsync(
            distinct,
            new ParallelOptions { MaxDegreeOfParallelism = throughput.Value.ZendeskSearchConcurrency, CancellationToken = cancellationToken },
            async (item, ct) => found.Add((item.i, await search(item.v, ct).ConfigureAwait(false)))).ConfigureAwait(false);
        return found.OrderBy(f => f.Order).SelectMany(f => f.Items).ToArray();
    }

    private async Task<TResult> CallAsync<TResult>(TenantConfig tenant, Func<ZendeskClient, Task<TResult>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var client = await clients.ZendeskAsync(tenant, cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(client).ConfigureAwait(false);
        }
        catch (ZendeskReauthorizationRequiredException ex)
        {
            LogNeedsAuthorization(logger, tenant.Id);
            throw new AuthorizationRequiredException(ConnectedSystem.Zendesk, ex.Reason, ex);
        }
        catch (ZendeskOAuthException ex) when (ex.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            // Refused by Zendesk. Any other answer of the token endpoint (5xx, 429, a broken body) is transient: it
            // propagates and is retried like any failed call, and the tenant keeps its schedule.
            LogNeedsAuthorization(logger, tenant.Id);
            throw new AuthorizationRequiredException(
                ConnectedSystem.Zendesk,
                $"the client_credentials grant was refused ({ex.Error ?? ex.StatusCode.ToString()})",
                ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk tokens of tenant {TenantId} were rejected and cannot be refreshed; the tenant needs a new "
        + "authorization")]
    private static partial void LogNeedsAuthorization(ILogger logger, string tenantId);

}
