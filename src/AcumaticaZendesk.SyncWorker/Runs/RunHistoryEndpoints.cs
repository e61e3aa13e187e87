using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Workflows;
using Dapr;

namespace AcumaticaZendesk.SyncWorker.Runs;

/// <summary>The run-completed subscription and the operator's read of a tenant's runs.</summary>
public static class RunHistoryEndpoints
{
    /// <summary>Route Dapr delivers <see cref="DaprNames.Topics.SyncRunCompleted"/> events to.</summary>
    public const string SubscriptionRoute = "/events/" + DaprNames.Topics.SyncRunCompleted;

    public static IEndpointRouteBuilder MapRunHistory(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SubscriptionRoute, OnRunCompletedAsync)
            .WithTopic(DaprNames.Components.PubSub, DaprNames.Topics.SyncRunCompleted);
        endpoints.MapGet("/tenants/{tenantId}/runs", GetRunsAsync).RequireAuthorization(Operator.OperatorApi.PolicyName);
        return endpoints;
    }

    private static async Task<IResult> OnRunCompletedAsync(
        SyncRunSummary run, RunHistoryStore history, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!SyncSlots.IsValidTenantId(run.TenantId) || string.IsNullOrWhiteSpace(run.RunId))
        {
            // Dapr redelivers on any non-2xx answer but 404; a malformed event would never succeed, so drop it.
            loggers.CreateLogger(typeof(RunHistoryEndpoints)).LogWarning(
                "Dropped a run-completed event without a valid tenant id or run id");
            return Results.Ok(new { status = "DROP" });
        }

        var recorded = await history.RecordAsync(run, cancellationToken).ConfigureAwait(false);
        loggers.CreateLogger(typeof(RunHistoryEndpoints)).LogInformation(
            "Run {RunId} of tenant {TenantId} ({Outcome}) {Action} the run history",
            run.RunId, run.TenantId, run.Outcome, recorded ? "added to" : "was already in");
        return Results.Ok();
    }

    private static async Task<IResult> GetRunsAsync(string tenantId, RunHistoryStore history, CancellationToken cancellationToken)
    {
        if (!SyncSlots.IsValidTenantId(tenantId))
        {
            return Results.Problem(
                detail: $"'{tenantId}' is not a tenant id: use letters, digits, '-' or '_'",
                statusCode: StatusCodes.Status400BadRequest);
        }

        return Results.Ok(await history.GetAsync(tenantId, cancellationToken).ConfigureAwait(false));
    }
}
