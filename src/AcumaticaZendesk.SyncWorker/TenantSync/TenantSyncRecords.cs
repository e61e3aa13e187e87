using System.Text.Json.Serialization;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.SyncWorker.TenantSync;

/// <summary>
/// Input of <see cref="TenantSyncWorkflow"/>. Each <c>ContinueAsNew</c> carries the kinds already read to the end (the
/// others resume from their checkpoints) and the counts so far, so history stays small.
/// </summary>
/// <param name="PagesPerExecution">Pages one execution runs before it continues as new.</param>
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

/// <summary>The custom status: <see cref="CurrentKind"/> is the first kind being read (all in <see cref="RunningKinds"/>), or the next.</summary>
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

/// <summary>What a run did: the workflow's output and the <c>sync-run-completed</c> event. <see cref="RunId"/> is the instance id.</summary>
public sealed record SyncRunSummary(
    string TenantId,
    string RunId,
    DateTimeOffset Slot,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    SyncRunOutcome Outcome,
    SyncCounts Counts,
    string? Error);
