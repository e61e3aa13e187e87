using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Runs;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.State;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.SyncWorker;

/// <summary>Registrations and endpoints of the sync worker (Dapr app id <c>sync-worker</c>).</summary>
public static class SyncWorkerExtensions
{
    public static WebApplicationBuilder AddSyncWorker(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<SyncScheduleOptions>()
            .BindConfiguration(SyncScheduleOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IConnectorStateStore, DaprConnectorStateStore>();
        services.TryAddSingleton<IIntegrationEventPublisher, DaprIntegrationEventPublisher>();

        // The real engine and tenant store are registered by their own extension before this one; until then these
        // say clearly that nothing is wired instead of failing the start.
        services.TryAddSingleton<ITenantDirectory, NoTenantDirectory>();
        services.TryAddSingleton<ISyncEngine, NoSyncEngine>();

        services.AddSingleton<SyncLeaseStore>();
        services.AddSingleton<RunHistoryStore>();
        services.AddSingleton<SyncCronScheduler>();
        services.AddSingleton<IWorkflowRunProbe, DaprWorkflowRunProbe>();

        // Dapr.Workflow's source generator registers every Workflow/WorkflowActivity of this assembly
        // (TenantSyncWorkflow, SyncPageActivity, CompleteSyncRunActivity); registering them here as well only
        // makes the factory warn "already registered" at every start. The end-to-end suite proves they run.
        services.AddDaprWorkflow(_ => { });

        // AddDaprWorkflow registers only the sealed DaprWorkflowClient; the code depends on the interface.
        services.TryAddSingleton<IDaprWorkflowClient>(sp => sp.GetRequiredService<DaprWorkflowClient>());
        return builder;
    }

    public static WebApplication MapSyncWorker(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        app.MapSyncCron();
        app.MapRunHistory();
        return app;
    }
}
