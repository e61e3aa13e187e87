using System.Globalization;
using System.Security.Cryptography;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>Time slots, and the never-reused workflow instance ids of the runs.</summary>
public static class SyncSlots
{
    /// <summary>The slot a trigger at <paramref name="now"/> belongs to: <paramref name="now"/> in UTC rounded down to the interval.</summary>
    public static DateTimeOffset SlotOf(DateTimeOffset now, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The slot interval must be positive");
        }

        var ticks = now.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % interval.Ticks), TimeSpan.Zero);
    }

    /// <summary>
    /// <c>sync-{tenant}-{slot:yyyyMMddHHmm}-{random}</c> (UTC): the run of a cron slot, under an id never used before.
    /// Dapr refuses an existing id only while its instance runs; a finished one is purged and started again, wiping
    /// its history (dapr <c>pkg/actors/targets/workflow/orchestrator/create.go</c>). The tenant's lease, not the id,
    /// keeps a slot to one run.
    /// </summary>
    public static string InstanceId(string tenantId, DateTimeOffset slot) =>
        NewInstanceId(tenantId, slot.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture));

    /// <summary><c>sync-{tenant}-{label}-{random}</c>: a never-used instance id for a run the <paramref name="label"/> names.</summary>
    public static string NewInstanceId(string tenantId, string label)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            throw new ArgumentException($"Tenant id '{tenantId}' cannot be part of a workflow instance id: use {TenantIds.Rule}", nameof(tenantId));
        }

        return string.Create(CultureInfo.InvariantCulture, $"sync-{tenantId}-{label}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
    }
}
