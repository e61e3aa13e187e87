using System.Globalization;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>
/// The <c>sync-cron</c> binding schedule that fires at the start of every slot of <see cref="SyncScheduleOptions.Interval"/>,
/// on every replica at the same wall-clock moment: a UTC cron expression, never <c>@every</c> (which counts from each
/// sidecar's start, dapr/kit <c>cron/constantdelay.go</c>). The slots are UTC multiples of the interval
/// (<see cref="SyncSlots.SlotOf"/>), so only intervals that divide an hour, or whole hours that divide a day, have one.
/// </summary>
public static class SyncCronSchedule
{
    /// <summary>True when <paramref name="interval"/> has a wall-clock schedule (see <see cref="For"/>).</summary>
    public static bool HasSchedule(TimeSpan interval) => interval > TimeSpan.Zero && (
        (interval < TimeSpan.FromHours(1) && interval.Ticks % TimeSpan.TicksPerMinute == 0 && 60 % (int)interval.TotalMinutes == 0)
        || (interval <= TimeSpan.FromDays(1) && interval.Ticks % TimeSpan.TicksPerHour == 0 && 24 % (int)interval.TotalHours == 0));

    /// <summary>
    /// The schedule for the component (<c>CRON_TZ=UTC 0 */5 * * * *</c> for five minutes): seconds first, as daprd's cron
    /// binding accepts (components-contrib <c>bindings/cron/cron.go</c>), in UTC whatever the sidecar's zone.
    /// </summary>
    public static string For(TimeSpan interval)
    {
        if (!HasSchedule(interval))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval,
                "Only intervals that divide an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes) or whole hours that divide a day have a wall-clock "
                    + "schedule");
        }

        var text = CultureInfo.InvariantCulture;
        return interval < TimeSpan.FromHours(1)
            ? string.Create(text, $"CRON_TZ=UTC 0 */{(int)interval.TotalMinutes} * * * *")
            : interval == TimeSpan.FromDays(1)
                ? "CRON_TZ=UTC 0 0 0 * * *"
                : string.Create(text, $"CRON_TZ=UTC 0 0 */{(int)interval.TotalHours} * * *");
    }
}
