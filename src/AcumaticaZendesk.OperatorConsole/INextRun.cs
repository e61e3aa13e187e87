using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.OperatorConsole;

/// <summary>When the host's scheduler will next start a run of a tenant (the sync worker's cron tick).</summary>
public interface INextRun
{
    /// <summary>The next scheduled start, or null when the tenant is not runnable (paused, waiting for authorization).</summary>
    DateTimeOffset? NextRunAt(TenantConfig tenant, DateTimeOffset now);
}
