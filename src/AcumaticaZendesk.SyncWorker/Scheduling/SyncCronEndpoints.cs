using AcumaticaZendesk.Contracts;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>The cron input binding's route: daprd POSTs to <c>/sync-cron</c> and probes it with OPTIONS at start.</summary>
public static class SyncCronEndpoints
{
    public const string Route = "/" + DaprNames.Components.SyncCron;

    public static IEndpointRouteBuilder MapSyncCron(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, async (SyncCronScheduler scheduler, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Ok(await scheduler.RunAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Listing the tenants failed: nothing was scheduled; the next tick tries again.
                loggers.CreateLogger(typeof(SyncCronEndpoints)).LogError(ex, "Cron tick failed before any tenant was scheduled");
                return Results.Problem(
                    detail: $"No run was scheduled: the tenant list could not be read ({ex.GetBaseException().Message})",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });

        // daprd probes the binding route with OPTIONS when it starts; answer so it delivers triggers.
        endpoints.MapMethods(Route, [HttpMethods.Options], () => Results.Ok());
        return endpoints;
    }
}
