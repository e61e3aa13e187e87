using System.Text.Json.Serialization;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>What the cron endpoint did for one tenant.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleOutcome>))]
public enum ScheduleOutcome
{
    Scheduled,

    /// <summary>This slot's run was scheduled already (duplicate trigger): nothing done.</summary>
    DuplicateSlot,

    /// <summary>An earlier run of the tenant is still going: nothing done.</summary>
    RunInProgress,

    /// <summary>Another replica took the lease at the same moment: nothing done.</summary>
    LostRace,

    /// <summary>The workflow engine already has an instance with this id: nothing done.</summary>
    AlreadyExists,

    /// <summary>The tenant id cannot form a workflow instance id.</summary>
    InvalidTenantId,

    /// <summary>Scheduling failed (see detail); the lease was given back so a later trigger retries.</summary>
    Failed,
}

/// <summary>One tenant's line of the report.</summary>
public sealed record TenantScheduleResult(string TenantId, string? InstanceId, ScheduleOutcome Outcome, string? Detail = null);

/// <summary>The cron endpoint's answer: the slot and what happened per tenant.</summary>
public sealed record CronTickReport(DateTimeOffset TriggeredAt, DateTimeOffset Slot, IReadOnlyList<TenantScheduleResult> Tenants);
