using System.ComponentModel.DataAnnotations;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Scheduling;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

public sealed class SyncSlotsTests
{
    [Theory]
    [InlineData("2026-01-05T10:00:00Z", 5, "2026-01-05T10:00:00Z")]
    [InlineData("2026-01-05T10:04:59.999Z", 5, "2026-01-05T10:00:00Z")]
    [InlineData("2026-01-05T10:05:00Z", 5, "2026-01-05T10:05:00Z")]
    [InlineData("2026-01-05T11:59:00+02:00", 15, "2026-01-05T09:45:00Z")]
    [InlineData("2026-01-05T23:59:59Z", 1440, "2026-01-05T00:00:00Z")]
    public void The_slot_is_the_UTC_trigger_time_rounded_down_to_the_interval(string now, int minutes, string expected)
    {
        var slot = SyncSlots.SlotOf(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(minutes));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), slot);
        Assert.Equal(TimeSpan.Zero, slot.Offset);
    }

    [Fact]
    public void The_instance_id_names_tenant_and_slot_to_the_minute_and_is_never_the_same_twice()
    {
        var slot = new DateTimeOffset(2026, 1, 5, 11, 5, 0, TimeSpan.FromHours(1));

        var ids = Enumerable.Range(0, 50).Select(_ => SyncSlots.InstanceId("contoso-eu", slot)).ToList();

        Assert.All(ids, id => Assert.Matches("^sync-contoso-eu-202601051005-[0-9a-f]{8}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-leading-dash")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("ünïcode")]
    [InlineData("Upper")]
    [InlineData("under_score")]
    [InlineData("acme\n")]
    public void A_tenant_id_that_cannot_form_an_instance_id_is_refused_with_the_rule(string tenantId)
    {
        var ex = Assert.Throws<ArgumentException>(() => SyncSlots.InstanceId(tenantId, DateTimeOffset.UnixEpoch));

        Assert.Contains(TenantIds.Rule, ex.Message, StringComparison.Ordinal);
        Assert.False(TenantIds.IsValid(tenantId));
    }

    [Fact]
    public void Options_refuse_an_interval_that_is_not_whole_minutes_and_a_lease_not_longer_than_the_interval()
    {
        var options = new SyncScheduleOptions { Interval = TimeSpan.FromSeconds(90), LeaseDuration = TimeSpan.FromMinutes(1) };

        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("SyncSchedule:Interval must be a whole number of minutes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("SyncSchedule:LeaseDuration", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(45)]
    [InlineData(90)]
    [InlineData(300)]
    public void Options_refuse_an_interval_no_wall_clock_cron_schedule_fires_at_every_slot_start_of(int minutes)
    {
        var options = new SyncScheduleOptions { Interval = TimeSpan.FromMinutes(minutes), LeaseDuration = TimeSpan.FromDays(1) };

        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("must divide an hour", StringComparison.Ordinal));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyncCronSchedule.For(options.Interval));
    }

    [Theory]
    [InlineData(1, "CRON_TZ=UTC 0 */1 * * * *")]
    [InlineData(5, "CRON_TZ=UTC 0 */5 * * * *")]
    [InlineData(30, "CRON_TZ=UTC 0 */30 * * * *")]
    [InlineData(60, "CRON_TZ=UTC 0 0 */1 * * *")]
    [InlineData(480, "CRON_TZ=UTC 0 0 */8 * * *")]
    [InlineData(1440, "CRON_TZ=UTC 0 0 0 * * *")]
    public void The_cron_schedule_of_an_interval_is_a_UTC_wall_clock_schedule(int minutes, string expected)
    {
        Assert.Equal(expected, SyncCronSchedule.For(TimeSpan.FromMinutes(minutes)));
    }

    [Fact]
    public void Default_options_are_valid()
    {
        var options = new SyncScheduleOptions();

        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }
}
