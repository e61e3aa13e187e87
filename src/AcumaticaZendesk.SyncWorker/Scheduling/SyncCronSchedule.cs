using System.Globalization;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>
/// The <c>sync-cron</c> schedule, firing at the start of every slot on every replica at once: a UTC cron expression, never
/// <c>@every</c> (which counts from each sidecar's start, dapr/kit <c>cron/constantdelay.go</c>).
/// </summary>
public static class SyncCronSchedule
{
    /// <summary>True when <paramref name="interval"/> has a wall-clock schedule (see <see cref="For"/>).</summary>
    public static bool HasSchedule(TimeSpan interval) => interval > TimeSpan.Zero && (
        (interval < TimeSpan.FromHours(1) && interval.Ticks % TimeSpan.TicksPerMinute == 0 && 60 % (int)interval.TotalMinutes == 0)
        || (interval <= TimeSpan.FromDays(1) && interval.Ticks % TimeSpan.TicksPerHour == 0 && 24 % (int)interval.TotalHours == 0));

    /// <summary><c>CRON_TZ=UTC 0 */5 * * * *</c> for five minutes: seconds first, as components-contrib <c>bindings/cron/cron.go</c> accepts.</summary>
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
