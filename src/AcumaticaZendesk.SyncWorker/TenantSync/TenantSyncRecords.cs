using System.Text.Json.Serialization;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.SyncWorker.TenantSync;

/// <summary>
/// Input of <see cref="TenantSyncWorkflow"/>. The first execution starts with no kind read and no progress; each
/// <c>ContinueAsNew</c> carries the position (the kinds already read to the end; the others resume from their
/// checkpoints) and the counts so far, so history stays small.
/// </summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Slot">The time slot the run was scheduled for.</param>
/// <param name="StartedAt">When the scheduler started the run (kept across executions).</param>
/// <param name="PageSize">Records per page.</param>
/// <param name="PagesPerExecution">Pages one execution runs before it continues as new.</param>
/// <param name="Progress">Counts so far (null at the start).</param>
/// <param name="Generation">How many times the run continued as new.</param>
/// <param name="FinishedKinds">Kinds already read to the end in this run (null: none).</param>
/// <param name="PagesPerActivity">Pages one activity call syncs (<see cref="SyncPagesRequest.MaxPages"/>).</param>
public sealed record TenantSyncInput(
    string TenantId,
    DateTimeOffset Slot,
    DateTimeOffset StartedAt,
    int PageSize,
    int PagesPerExecution,
    SyncCounts? Progress = null,
    int Generation = 0,
    IReadOnlyList<EntityKind>? FinishedKinds = null,
    int PagesPerActivity = 1);

/// <summary>
/// The workflow's custom status: where it is and what it did so far. <see cref="CurrentKind"/> is the first kind still
/// being read (kinds whose prerequisites are met are read side by side: <see cref="RunningKinds"/>, by name), or the
/// next one to start.
/// </summary>
public sealed record TenantSyncStatus(
    string TenantId,
    [property: JsonConverter(typeof(JsonStringEnumConverter<EntityKind>))] EntityKind? CurrentKind, // a name for operators reading the custom status
    int Generation,
    SyncCounts Progress,
    IReadOnlyList<string>? RunningKinds = null);

[JsonConverter(typeof(JsonStringEnumConverter<SyncRunOutcome>))]
public enum SyncRunOutcome
{
    /// <summary>Every kind was read to the end (single records may still have failed: see the counts).</summary>
    Succeeded,

    /// <summary>A page failed after its retries; the run stopped there and the next slot resumes from the watermark.</summary>
    Failed,
}

/// <summary>
/// What a run did, as the workflow's output and the <c>sync-run-completed</c> event for listeners outside the app
/// (the app keeps the run in its run record, <c>RunStore</c>). <see cref="RunId"/> is the workflow instance id.
/// </summary>
public sealed record SyncRunSummary(
    string TenantId,
    string RunId,
    DateTimeOffset Slot,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    SyncRunOutcome Outcome,
    SyncCounts Counts,
    string? Error);
