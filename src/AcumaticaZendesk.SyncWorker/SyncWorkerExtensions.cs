namespace AcumaticaZendesk.SyncWorker;

/// <summary>Registrations and endpoints of the sync worker (Dapr app id <c>sync-worker</c>).</summary>
public static class SyncWorkerExtensions
{
    public static WebApplicationBuilder AddSyncWorker(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }

    public static WebApplication MapSyncWorker(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
