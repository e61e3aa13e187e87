using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Telemetry;

/// <summary>
/// The main job's metrics (docs/deploy.md "Metrics"). Static, so the core's stores record without a container; gauges
/// report the last value this process saw.
/// </summary>
public static class SyncMetrics
{
    public const string MeterName = "AcumaticaZendesk.Sync";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<(string Tenant, string Kind), DateTimeOffset> Watermarks = new();
    private static readonly ConcurrentDictionary<string, int> ReplayQueues = new(StringComparer.Ordinal);

    private static readonly Counter<long> Records = Meter.CreateCounter<long>(
        "sync.records", unit: "{record}", description: "Records a run handled, by tenant, kind and outcome");

    private static readonly Counter<long> Runs = Meter.CreateCounter<long>(
        "sync.runs", unit: "{run}", description: "Runs finished, by tenant and status");

    private static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>(
        "sync.run.duration", unit: "s", description: "Length of finished runs, by tenant and status");

    private static readonly Histogram<double> TicketFlowLag = Meter.CreateHistogram<double>(
        "sync.ticket_flow.lag", unit: "s", description: "From a ticket's update in Zendesk to its Activity written in Acumatica, by tenant");

    /// <summary>Time source of the gauges (tests may replace it).</summary>
    internal static TimeProvider Time { get; set; } = TimeProvider.System;

    static SyncMetrics()
    {
        Meter.CreateObservableGauge(
            "sync.watermark.lag",
            () => Watermarks.Select(w => new Measurement<double>(
                Math.Max(0, (Time.GetUtcNow() - w.Value).TotalSeconds), Tag("tenant", w.Key.Tenant), Tag("kind", w.Key.Kind))),
            unit: "s",
            description: "Age of the newest Acumatica change committed, by tenant and kind");
        Meter.CreateObservableGauge(
            "sync.replay_queue.size",
            () => ReplayQueues.Select(q => new Measurement<int>(q.Value, Tag("tenant", q.Key))),
            unit: "{record}",
            description: "Records waiting in the replay queue, by tenant");
    }

    /// <summary>One committed page of a kind: its outcomes and the watermark it reached.</summary>
    public static void PageCommitted(string tenantId, EntityKind kind, SyncPagesResult page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var name = kind.ToString().ToLowerInvariant();
        Count(tenantId, name, "created", page.Counts.Created);
        Count(tenantId, name, "updated", page.Counts.Updated);
        Count(tenantId, name, "unchanged", page.Counts.Unchanged);
        Count(tenantId, name, "skipped", page.Counts.Skipped);
        Count(tenantId, name, "failed", page.Counts.Failed);
        if (page.Watermark is { } watermark)
        {
            Watermarks.AddOrUpdate((tenantId, name), watermark, (_, known) => watermark > known ? watermark : known);
        }
    }

    public static void RunFinished(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var status = RunStatusName(run.Status);
        Runs.Add(1, Tag("tenant", run.TenantId), Tag("status", status));
        if (run.FinishedAt is { } finished)
        {
            RunDuration.Record(Math.Max(0, (finished - run.StartedAt).TotalSeconds), Tag("tenant", run.TenantId), Tag("status", status));
        }
    }

    public static void ReplayQueueSize(string tenantId, int size) => ReplayQueues[tenantId] = size;

    /// <summary>A ticket's Activity written <paramref name="lag"/> after the ticket changed in Zendesk.</summary>
    public static void TicketApplied(string tenantId, TimeSpan lag) =>
        TicketFlowLag.Record(Math.Max(0, lag.TotalSeconds), Tag("tenant", tenantId));

    private static void Count(string tenantId, string kind, string outcome, int n)
    {
        if (n > 0)
        {
            Records.Add(n, Tag("tenant", tenantId), Tag("kind", kind), Tag("outcome", outcome));
        }
    }

    private static string RunStatusName(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.CompletedWithFailures => "completed-with-failures",
        RunStatus.Failed => "failed",
        RunStatus.Terminated => "terminated",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
