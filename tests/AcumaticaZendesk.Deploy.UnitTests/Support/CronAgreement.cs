using System.ComponentModel.DataAnnotations;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.SyncWorker.Scheduling;

namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>
/// Whether a deploy target's <c>sync-cron</c> schedule fires exactly at the start of every slot of the sync worker's
/// <c>SyncSchedule:Interval</c>, on every replica alike: parsed and run as daprd runs it (<see cref="DaprCronSchedule"/>),
/// in UTC and in a +05:30 sidecar zone, over two days.
/// </summary>
internal static class CronAgreement
{
    private static readonly TimeZoneInfo[] SidecarZones =
    [
        TimeZoneInfo.Utc,
        TimeZoneInfo.CreateCustomTimeZone("stand-in+05:30", TimeSpan.FromMinutes(330), "UTC+05:30", "UTC+05:30"),
    ];

    public static IReadOnlyList<string> Problems(string source, string schedule, TimeSpan interval)
    {
        var options = new SyncScheduleOptions { Interval = interval, LeaseDuration = TimeSpan.FromDays(7) };
        var invalid = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), invalid, validateAllProperties: true))
        {
            return [.. invalid.Select(v => $"{source}: SyncSchedule:Interval {interval}: {v.ErrorMessage}")];
        }

        var problems = new List<string>();
        foreach (var zone in SidecarZones)
        {
            DaprCronSchedule parsed;
            try
            {
                parsed = DaprCronSchedule.Parse(schedule, zone);
            }
            catch (FormatException ex)
            {
                return [$"{source}: daprd refuses the schedule '{schedule}': {ex.Message}"];
            }

            if (!parsed.IsWallClockAligned)
            {
                return [$"{source}: '{schedule}' counts from each sidecar's start (dapr/kit cron/constantdelay.go); replicas fire at different moments"];
            }

            // Started mid-slot, like a sidecar that comes up at any moment.
            var start = new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.Zero).AddSeconds(1234.5);
            var fires = parsed.FireTimes(start, start.AddDays(2)).ToList();
            var firstSlot = SyncSlots.SlotOf(start, interval) + interval;
            var expected = Enumerable.Range(0, (int)((start.AddDays(2) - firstSlot) / interval) + 1)
                .Select(i => firstSlot + (i * interval)).ToList();
            if (!fires.SequenceEqual(expected))
            {
                var first = fires.Zip(expected).FirstOrDefault(p => p.First != p.Second);
                problems.Add(
                    $"{source}: '{schedule}' with the sidecar in {zone.Id} fires {fires.Count} times in two days, the slots of {interval} start "
                        + $"{expected.Count} times"
                    + (first == default ? "" : $"; first difference: fires {first.First:O}, slot starts {first.Second:O}"));
            }
        }

        return problems;
    }
}
