using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Subscriptions;
using AcumaticaZendesk.SyncWorker.Workflows;

namespace AcumaticaZendesk.SyncWorker.Runs;

/// <summary>
/// The run-completed subscription: each event is kept in the tenant's run history. Operators read runs through
/// <c>GET /operator/v1/tenants/{id}/runs</c> (the operator API), the one documented route for them.
/// </summary>
public static class RunHistoryEndpoints
{
    /// <summary>Route Dapr delivers <see cref="DaprNames.Topics.SyncRunCompleted"/> events to.</summary>
    public const string SubscriptionRoute = "/events/" + DaprNames.Topics.SyncRunCompleted;

    public static IEndpointRouteBuilder MapRunHistory(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SubscriptionRoute, OnRunCompletedAsync)
            .WithDeadLetteredTopic(DaprNames.Topics.SyncRunCompleted);
        return endpoints;
    }

    private static async Task<IResult> OnRunCompletedAsync(
        HttpRequest request, RunHistoryStore history, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var run = await SubscriptionBody.ReadAsync<SyncRunSummary>(request, cancellationToken).ConfigureAwait(false);
        if (run is null || !TenantIds.IsValid(run.TenantId) || string.IsNullOrWhiteSpace(run.RunId))
        {
            // Dapr redelivers on any non-2xx answer but 404; a malformed event would never succeed, so drop it.
            loggers.CreateLogger(typeof(RunHistoryEndpoints)).LogWarning(
                "Dropped a run-completed event without a valid tenant id or run id");
            return SubscriptionBody.Drop;
        }

        var recorded = await history.RecordAsync(run, cancellationToken).ConfigureAwait(false);
        loggers.CreateLogger(typeof(RunHistoryEndpoints)).LogInformation(
            "Run {RunId} of tenant {TenantId} ({Outcome}) {Action} the run history",
            run.RunId, run.TenantId, run.Outcome, recorded ? "added to" : "was already in");
        return Results.Ok();
    }
}
