using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>How the cron tick turns into tenant runs (section <c>SyncSchedule</c>), validated at start.</summary>
public sealed class SyncScheduleOptions : IValidatableObject
{
    public const string SectionName = "SyncSchedule";

    /// <summary>One run per tenant and slot; sync-cron.yaml (components/, deploy/) holds <see cref="SyncCronSchedule.For"/> of it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the lease of a run never heard of again (terminated, purged) keeps the tenant's other runs out.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Deadline of each call the cron endpoint makes to the sidecar (state, workflow scheduling).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SidecarCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Tenants one cron tick schedules at once. Each takes a few sidecar calls (lease read, write and read-back, workflow
    /// start, which answers once the run started, run record): one after the other, a tick of 1,000 tenants took longer than
    /// the goal of 5 s (docs/benchmark.md, "Many tenants").
    /// </summary>
    [Range(1, 256)]
    public int MaxConcurrentSchedules { get; set; } = 16;

    /// <summary>Pages one workflow execution runs before it continues as new, so its history stays small.</summary>
    [Range(1, 10_000)]
    public int PagesPerExecution { get; set; } = 50;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Interval.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Interval)} must be a whole number of minutes (got {Interval}); instance ids carry the slot to the minute",
                [nameof(Interval)]);
        }
        else if (!SyncCronSchedule.HasSchedule(Interval))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Interval)} ({Interval}) must divide an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 minutes) or be whole hours "
                + "dividing a day: the cron binding fires at the start of each slot on every replica (a wall-clock schedule, not @every)",
                [nameof(Interval)]);
        }

        if (LeaseDuration <= Interval)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(LeaseDuration)} ({LeaseDuration}) must be longer than {SectionName}:{nameof(Interval)} ({Interval})",
                [nameof(LeaseDuration)]);
        }
    }
}
