using System.Globalization;
using AcumaticaZendesk.StandIn;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The stand-in's cron binding reads and fires schedules as daprd does (dapr/kit <c>cron/parser.go</c>,
/// <c>cron/spec.go</c>, <c>cron/constantdelay.go</c>; components-contrib <c>bindings/cron/cron.go</c>).
/// </summary>
public sealed class DaprCronScheduleTests
{
    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void Every_counts_from_each_sidecars_start_so_two_sidecars_fire_at_different_moments()
    {
        var schedule = DaprCronSchedule.Parse("@every 5m");
        var a = new StandInCronBinding("sync-cron", schedule, At("2026-01-05T10:02:30.1234567Z"));
        var b = new StandInCronBinding("sync-cron", schedule, At("2026-01-05T10:03:41Z"));

        var until = At("2026-01-05T10:20:00Z");

        // constantdelay.go: start + delay, rounded down to the millisecond, then every delay after the previous fire.
        Assert.Equal([At("2026-01-05T10:07:30.123Z"), At("2026-01-05T10:12:30.123Z"), At("2026-01-05T10:17:30.123Z")], a.FireTimes(until));
        Assert.Equal([At("2026-01-05T10:08:41Z"), At("2026-01-05T10:13:41Z"), At("2026-01-05T10:18:41Z")], b.FireTimes(until));
        Assert.False(schedule.IsWallClockAligned);
    }

    [Fact]
    public void A_field_schedule_fires_at_the_same_wall_clock_moments_on_every_sidecar()
    {
        var schedule = DaprCronSchedule.Parse("CRON_TZ=UTC 0 */5 * * * *");
        var a = new StandInCronBinding("sync-cron", schedule, At("2026-01-05T10:02:30Z"));
        var b = new StandInCronBinding("sync-cron", schedule, At("2026-01-05T10:03:41Z"));

        var until = At("2026-01-05T10:20:00Z");

        Assert.Equal([At("2026-01-05T10:05:00Z"), At("2026-01-05T10:10:00Z"), At("2026-01-05T10:15:00Z"), At("2026-01-05T10:20:00Z")], a.FireTimes(until));
        Assert.Equal(a.FireTimes(until), b.FireTimes(until));
    }

    [Theory]
    [InlineData("*/15 * * * *", "2026-01-05T10:07:12Z", "2026-01-05T10:15:00Z")]
    [InlineData("30 */15 * * * *", "2026-01-05T10:15:30Z", "2026-01-05T10:30:30Z")]
    [InlineData("0 0 9 * * MON-FRI", "2026-01-09T09:00:00Z", "2026-01-12T09:00:00Z")]
    [InlineData("0 0 0 1,15 * *", "2026-01-05T00:00:00Z", "2026-01-15T00:00:00Z")]
    [InlineData("@hourly", "2026-01-05T10:00:00Z", "2026-01-05T11:00:00Z")]
    [InlineData("@daily", "2026-02-28T12:00:00Z", "2026-03-01T00:00:00Z")]
    [InlineData("0 0 0 * * SUN", "2026-01-05T00:00:00Z", "2026-01-11T00:00:00Z")]
    public void Field_schedules_fire_at_the_next_matching_second(string spec, string after, string next)
    {
        Assert.Equal(At(next), DaprCronSchedule.Parse(spec).Next(At(after)));
    }

    [Fact]
    public void Without_a_zone_prefix_the_sidecars_local_zone_decides_and_CRON_TZ_overrides_it()
    {
        var india = TimeZoneInfo.CreateCustomTimeZone("test+05:30", TimeSpan.FromMinutes(330), "UTC+05:30", "UTC+05:30");

        Assert.Equal(At("2026-01-05T10:30:00Z"), DaprCronSchedule.Parse("0 0 * * * *", india).Next(At("2026-01-05T10:07:00Z")));
        Assert.Equal(At("2026-01-05T11:00:00Z"), DaprCronSchedule.Parse("CRON_TZ=UTC 0 0 * * * *", india).Next(At("2026-01-05T10:07:00Z")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("0 0 0 * * * *")]
    [InlineData("61 * * * * *")]
    [InlineData("*/0 * * * * *")]
    [InlineData("@every")]
    [InlineData("@every 5x")]
    [InlineData("@fortnightly")]
    [InlineData("CRON_TZ=UTC")]
    public void Schedules_daprd_refuses_are_refused(string spec)
    {
        Assert.Throws<FormatException>(() => DaprCronSchedule.Parse(spec));
    }
}
