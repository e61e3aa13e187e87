using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.SyncWorker;

/// <summary>
/// Stands in for <see cref="ITenantDirectory"/> until the tenant store is registered: no tenant is runnable, so the
/// cron schedules nothing; says so once per tick instead of failing.
/// </summary>
internal sealed class NoTenantDirectory(ILogger<NoTenantDirectory> logger) : ITenantDirectory
{
    public Task<IReadOnlyList<string>> ListRunnableTenantIdsAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("No tenant directory is registered in this build of the sync worker: no tenant will be synced");
        return Task.FromResult<IReadOnlyList<string>>([]);
    }
}

/// <summary>Stands in for <see cref="ISyncEngine"/> until the engine is registered: a page fails with the reason.</summary>
internal sealed class NoSyncEngine : ISyncEngine
{
    public Task<SyncPageResult> SyncPageAsync(SyncPageRequest request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(
            $"No sync engine is registered in this build of the sync worker; register an {nameof(ISyncEngine)} before AddSyncWorker");
}
