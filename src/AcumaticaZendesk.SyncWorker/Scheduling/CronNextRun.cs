using AcumaticaZendesk.OperatorConsole;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>The console's "next run": every runnable tenant starts at the next cron slot (<see cref="SyncScheduleOptions.Interval"/>).</summary>
internal sealed class CronNextRun(IOptions<SyncScheduleOptions> options) : INextRun
{
    public DateTimeOffset? NextRunAt(TenantConfig tenant, DateTimeOffset now) =>
        tenant.IsRunnable ? SyncSlots.SlotOf(now, options.Value.Interval) + options.Value.Interval : null;
}
