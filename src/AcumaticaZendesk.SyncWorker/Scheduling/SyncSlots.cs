using System.Globalization;
using System.Text.RegularExpressions;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>Time slots and the deterministic workflow instance ids derived from them.</summary>
public static partial class SyncSlots
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

    /// <summary><c>sync-{tenant}-{slot:yyyyMMddHHmm}</c> (UTC): the same tenant and slot always give the same id.</summary>
    public static string InstanceId(string tenantId, DateTimeOffset slot)
    {
        if (!IsValidTenantId(tenantId))
        {
            throw new ArgumentException(
                $"Tenant id '{tenantId}' cannot be part of a workflow instance id: use 1-64 letters, digits, '-' or '_', starting with a letter or digit",
                nameof(tenantId));
        }

        return string.Create(CultureInfo.InvariantCulture, $"sync-{tenantId}-{slot.UtcDateTime:yyyyMMddHHmm}");
    }

    /// <summary>Dapr workflow instance ids allow letters, digits, '-' and '_' only.</summary>
    public static bool IsValidTenantId(string? tenantId) => tenantId is not null && TenantIdPattern().IsMatch(tenantId);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();
}
