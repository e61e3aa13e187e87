using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Operator;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.OperatorConsole;
using AcumaticaZendesk.Sync;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Alerts;
using AcumaticaZendesk.SyncWorker.ConsoleHosting;
using AcumaticaZendesk.SyncWorker.Retention;
using AcumaticaZendesk.SyncWorker.Runs;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.State;
using AcumaticaZendesk.SyncWorker.Tenants;
using AcumaticaZendesk.SyncWorker.Tickets;
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

        // The main flow: Acumatica and Zendesk clients behind the engine's ports (secrets from the Dapr secret store,
        // tokens encrypted in the state store), the engine and tenant store, and the operator API over them.
        services.AddConnectors(builder.Configuration);
        services.AddSyncCore(builder.Configuration);
        services.AddOperatorApi(builder.Configuration);
        services.AddSingleton<IWorkflowRuns, DaprWorkflowRuns>();
        services.AddOperatorConsole(builder.Configuration);
        // The console's static web assets (blazor.web.js, its styles) from the build output when the app runs from
        // there in any environment (tests, `make run`); a published app serves them from wwwroot and has no runtime manifest.
        builder.WebHost.UseStaticWebAssets();
        services.AddSingleton<INextRun, CronNextRun>();

        services.AddOptions<TenantSeedOptions>().BindConfiguration(TenantSeedOptions.SectionName);
        services.AddHostedService<TenantSeedService>();

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
        services.AddTicketFlow();

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
