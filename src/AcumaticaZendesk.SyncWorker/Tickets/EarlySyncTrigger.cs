using System.Globalization;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>The last early run a change signal started for a tenant (state key <c>sync-wake:{tenant}</c>).</summary>
public sealed record SyncWake(DateTimeOffset At, string? InstanceId);

/// <summary>What a change signal did.</summary>
public sealed record WakeResult(string TenantId, string Outcome, TenantScheduleResult? Schedule = null);

/// <summary>An Acumatica change signal wakes a tenant's sync early: at most one extra run per interval, under the tenant's lease.</summary>
public sealed class EarlySyncTrigger(
    ITenantDirectory tenants,
    SyncCronScheduler scheduler,
    IConnectorStateStore store,
    TimeProvider time,
    IOptions<SyncScheduleOptions> schedule,
    ILogger<EarlySyncTrigger> logger)
{
    public const string Debounced = "debounced";
    public const string NotRunnable = "not-runnable";
    public const string Scheduled = "scheduled";

    public static string Key(string tenantId) => $"sync-wake:{tenantId}";

    public async Task<WakeResult> WakeAsync(string tenantId, CancellationToken cancellationToken)
    {
        var runnable = await tenants.ListRunnableTenantIdsAsync(cancellationToken).ConfigureAwait(false);
        if (!runnable.Contains(tenantId, StringComparer.Ordinal))
        {
            logger.LogInformation("Change signal for tenant {TenantId} ignored: the tenant is unknown, paused or waiting for authorization", tenantId);
            return new WakeResult(tenantId, NotRunnable);
        }

        var now = time.GetUtcNow();
        var (last, etag) = await store.GetAsync<SyncWake>(Key(tenantId), cancellationToken).ConfigureAwait(false);
        if (last is not null && now - last.At < schedule.Value.Interval)
        {
            logger.LogInformation("Change signal for tenant {TenantId} debounced: an early run was started at {LastWake:O}", tenantId, last.At);
            return new WakeResult(tenantId, Debounced);
        }

        if (!await store.TrySaveAsync(Key(tenantId), new SyncWake(now, null), etag, cancellationToken).ConfigureAwait(false))
        {
            return new WakeResult(tenantId, Debounced);     // a concurrent signal took this wake-up
        }

        var instanceId = SyncSlots.NewInstanceId(tenantId, "wake-" + now.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture));
        var result = await scheduler.ScheduleNowAsync(tenantId, instanceId, cancellationToken).ConfigureAwait(false);
        await store.UpdateAsync<SyncWake>(Key(tenantId), _ => new SyncWake(now, result.InstanceId), cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Change signal for tenant {TenantId}: early run {InstanceId} {Outcome}", tenantId, result.InstanceId, result.Outcome);
        return new WakeResult(tenantId, Scheduled, result);
    }
}
