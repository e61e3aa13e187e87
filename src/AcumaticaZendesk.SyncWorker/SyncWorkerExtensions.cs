using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Operator;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.OperatorConsole;
using AcumaticaZendesk.Sync;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Alerts;
using AcumaticaZendesk.SyncWorker.Retention;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Sidecar;
using AcumaticaZendesk.SyncWorker.Tenants;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.SyncWorker.Tickets;
using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker;

/// <summary>Registrations and endpoints of the sync worker (Dapr app id <c>sync-worker</c>), the connector's one host.</summary>
public static class SyncWorkerExtensions
{
    /// <summary>Every registration of the worker, top to bottom; validated on build, so a missing one stops the start.</summary>
    public static WebApplicationBuilder AddSyncWorker(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });

        // What the host supplies: the clock, and Dapr's state store and pub/sub behind the core's ports.
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IConnectorStateStore, DaprConnectorStateStore>();
        services.AddSingleton<IIntegrationEventPublisher, DaprIntegrationEventPublisher>();

        // The core over the tenants' systems (clients behind the engine's ports, secrets, encrypted tokens, alert delivery).
        services.AddSyncCore(configuration);
        services.AddConnectors(configuration);

        // The operator API and console over the core, with Dapr workflows as the runs they start and stop.
        services.AddOperatorApi(configuration);
        services.AddSingleton<IWorkflowRuns, DaprWorkflowRuns>();
        services.AddOperatorConsole(configuration);
        services.AddSingleton<INextRun, CronNextRun>();
        // The console's static web assets (blazor.web.js, its styles) from the build output when the app runs from
        // there in any environment (tests, `make run`); a published app serves them from wwwroot and has no runtime manifest.
        builder.WebHost.UseStaticWebAssets();

        services.AddOptions<TenantSeedOptions>().BindConfiguration(TenantSeedOptions.SectionName);
        services.AddHostedService<TenantSeedService>();

        // The cron tick: one workflow per runnable tenant and slot, under a lease; alerts when a run ends.
        services.AddOptions<SyncScheduleOptions>()
            .BindConfiguration(SyncScheduleOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<SyncLeaseStore>();
        services.AddSingleton<TenantAlerts>();
        services.AddSingleton<SyncCronScheduler>();
        services.AddSingleton<IWorkflowRunProbe, DaprWorkflowRunProbe>();

        // Finished workflow instances purged by the worker where the runtime cannot be told to (Container Apps).
        services.AddOptions<WorkflowRetentionOptions>()
            .BindConfiguration(WorkflowRetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<WorkflowRetentionLedger>();
        services.AddSingleton<WorkflowRetentionPass>();
        services.AddHostedService<WorkflowRetentionService>();

        // Zendesk tickets → Acumatica activities.
        services.AddTicketFlow();

        // Dapr.Workflow's source generator registers every Workflow/WorkflowActivity of this assembly; registering them here
        // as well only makes the factory warn "already registered" at every start. The end-to-end suite proves they run.
        services.AddDaprWorkflow(_ => { });

        // AddDaprWorkflow registers only the sealed DaprWorkflowClient; the code depends on the interface.
        services.AddSingleton<IDaprWorkflowClient>(sp => sp.GetRequiredService<DaprWorkflowClient>());
        return builder;
    }

    public static WebApplication MapSyncWorker(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseSidecarAppToken(
            SyncCronEndpoints.Route, TicketFlowEndpoints.TicketEventsRoute, TicketFlowEndpoints.ChangeSignalsRoute, "/dapr");
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        app.MapSyncCron();
        app.UseOperatorApiReference();
        app.MapOperatorApi();
        app.MapOperatorConsole();
        app.MapTicketFlow();
        return app;
    }
}
