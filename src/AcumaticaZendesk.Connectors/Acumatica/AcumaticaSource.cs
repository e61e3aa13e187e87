using System.Collections.Concurrent;
using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.Model;
using AcumaticaZendesk.Acumatica.Reading;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.Acumatica;

/// <summary>
/// <see cref="IAcumaticaSource"/> over the tenant's Acumatica client from <see cref="TenantClients"/> (the one gate that
/// builds it from the tenant's settings, secrets and encrypted tokens). Reads are single pages (<c>ReadPageAsync</c>);
/// the engine keeps the checkpoint. A refusal that needs a new consent or a wrong endpoint version drops the cached client.
/// </summary>
public sealed partial class AcumaticaSource(
    TenantClients clients,
    IOptions<ThroughputOptions> throughput,
    ILogger<AcumaticaSource> logger) : IAcumaticaSource
{
    public Task<IReadOnlyList<AcumaticaRecord>> ReadPageAsync(
        TenantConfig tenant, EntityKind kind, DateTimeOffset? since, int skip, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return CallAsync(tenant, client => kind switch
        {
            EntityKind.Customer => ReadAsync(client, AcumaticaEntitySets.Customers, AcumaticaRecordMapper.ToAccount),
            EntityKind.Vendor => ReadAsync(client, AcumaticaEntitySets.Vendors, AcumaticaRecordMapper.ToAccount),
            EntityKind.Contact => ReadAsync(client, AcumaticaEntitySets.Contacts, AcumaticaRecordMapper.ToPerson),
            EntityKind.Employee => ReadAsync(client, AcumaticaEntitySets.Employees, AcumaticaRecordMapper.ToPerson),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown entity kind."),
        }, cancellationToken);

        async Task<IReadOnlyList<AcumaticaRecord>> ReadAsync<T, TRecord>(IAcumaticaClient client, AcumaticaEntitySet<T> set, Func<T, TRecord> map)
            where T : AcumaticaEntity, IAcumaticaTrackedEntity
            where TRecord : AcumaticaRecord =>
            Map(kind, await client.ReadPageAsync(Set(set, tenant, kind), since, skip, top, cancellationToken).ConfigureAwait(false), map);
    }

    public Task<IReadOnlyList<AcumaticaRecord>> GetByKeysAsync(
        TenantConfig tenant, EntityKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
            return Task.FromResult<IReadOnlyList<AcumaticaRecord>>([]);

        return CallAsync(tenant, client => client.WithSessionAsync((c, ct) => kind switch
        {
            EntityKind.Customer => GetManyAsync(c, kind, Set(AcumaticaEntitySets.Customers, tenant, kind), keys, AcumaticaRecordMapper.ToAccount, ct),
            EntityKind.Vendor => GetManyAsync(c, kind, Set(AcumaticaEntitySets.Vendors, tenant, kind), keys, AcumaticaRecordMapper.ToAccount, ct),
            EntityKind.Contact => GetManyAsync(c, kind, Set(AcumaticaEntitySets.Contacts, tenant, kind), keys, AcumaticaRecordMapper.ToPerson, ct),
            EntityKind.Employee => GetManyAsync(c, kind, Set(AcumaticaEntitySets.Employees, tenant, kind), keys, AcumaticaRecordMapper.ToPerson, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown entity kind."),
        }, cancellationToken), cancellationToken);
    }

    private static AcumaticaEntitySet<T> Set<T>(AcumaticaEntitySet<T> set, TenantConfig tenant, EntityKind kind)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity => AcumaticaRecordMapper.ForTenant(set, tenant, kind);

    /// <summary>The page's records, and a <see cref="RefusedAcumaticaRecord"/> in place of every row the client refused.</summary>
    private static IReadOnlyList<AcumaticaRecord> Map<T, TRecord>(EntityKind kind, AcumaticaPage<T> page, Func<T, TRecord> map)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
        where TRecord : AcumaticaRecord =>
        [.. page.Items.Select(i => MapOrRefuse(kind, i, map)), .. page.Rejected.Select(r => AcumaticaRecordMapper.Refused(kind, r))];

    private static AcumaticaRecord MapOrRefuse<T, TRecord>(EntityKind kind, T entity, Func<T, TRecord> map)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
        where TRecord : AcumaticaRecord
    {
        try
        {
            return map(entity);
        }
        catch (InvalidOperationException ex)
        {
            return AcumaticaRecordMapper.Refused(
                kind,
                new AcumaticaRejectedRecord(0, entity.Key, entity.Id, entity.LastModified, "MalformedRecord", ex.Message));
        }
    }

    private async Task<IReadOnlyList<AcumaticaRecord>> GetManyAsync<T, TRecord>(
        IAcumaticaClient client,
        EntityKind kind,
        AcumaticaEntitySet<T> set,
        IReadOnlyCollection<string> keys,
        Func<T, TRecord> map,
        CancellationToken cancellationToken)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
        where TRecord : AcumaticaRecord
    {
        var found = new ConcurrentDictionary<string, AcumaticaRecord>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = throughput.Value.ReplayReadConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(keys.Distinct(StringComparer.Ordinal), parallel, async (key, ct) =>
        {
            try
            {
                if (await client.GetAsync(set, key, ct).ConfigureAwait(false) is { } entity)
                    found[key] = MapOrRefuse(kind, entity, map);
            }
            catch (AcumaticaMalformedRecordException ex)
            {
                // Still unreadable: it fails again under the key it was queued with.
                found[key] = AcumaticaRecordMapper.Refused(kind, ex.Record with { Key = key });
            }
        }).ConfigureAwait(false);
        return keys.Distinct(StringComparer.Ordinal).Where(found.ContainsKey).Select(k => found[k]).ToArray();
    }

    private async Task<TResult> CallAsync<TResult>(TenantConfig tenant, Func<IAcumaticaClient, Task<TResult>> call, CancellationToken cancellationToken)
    {
        var client = await clients.AcumaticaAsync(tenant, cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(client).ConfigureAwait(false);
        }
        catch (AcumaticaAuthenticationException ex) when (ex.NeedsReauthorization)
        {
            clients.Forget(tenant.Id);
            LogNeedsAuthorization(logger, tenant.Id);
            throw new AuthorizationRequiredException(ConnectedSystem.Acumatica, ex.Message, ex);
        }
        catch (AcumaticaVersionMismatchException ex)
        {
            clients.Forget(tenant.Id);
            throw new ConnectorConfigurationException(tenant.Id, ConnectedSystem.Acumatica, "acumatica.endpointVersion", ex.Message, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acumatica refused the credentials of tenant {TenantId} and they cannot be renewed; the tenant needs a "
        + "new authorization")]
    private static partial void LogNeedsAuthorization(ILogger logger, string tenantId);
}
