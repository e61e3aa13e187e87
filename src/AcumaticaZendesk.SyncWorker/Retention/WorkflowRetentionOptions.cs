using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.SyncWorker.Retention;

/// <summary>
/// The app's own purge of finished workflow instances. Off by default: with a Dapr Configuration (Kubernetes,
/// <c>spec.workflow.stateRetentionPolicy</c>) daprd purges them itself; on in Container Apps, which has none. Durations
/// count, like that policy's, from the moment the instance reached its terminal state.
/// </summary>
public sealed class WorkflowRetentionOptions : IValidatableObject
{
    public const string SectionName = "WorkflowRetention";

    /// <summary>Whether the sync worker records the instances it starts and purges them once their retention has passed.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long a completed instance is kept (the policy's <c>completed</c>).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan Completed { get; set; } = TimeSpan.FromHours(168);

    /// <summary>How long a failed, terminated or canceled instance is kept (the policy's <c>failed</c> and <c>terminated</c>).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan FailedOrTerminated { get; set; } = TimeSpan.FromHours(720);

    /// <summary>Time between two purge passes of one replica.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan PassInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Instances one pass looks up at most; the rest waits for the next pass.</summary>
    [Range(1, 10_000)]
    public int MaxInstancesPerPass { get; set; } = 500;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FailedOrTerminated < Completed)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(FailedOrTerminated)} ({FailedOrTerminated}) must be at least {SectionName}:{nameof(Completed)} ({Completed}): "
                + "failed runs are kept at least as long as completed ones, for investigation",
                [nameof(FailedOrTerminated)]);
        }
    }
}
