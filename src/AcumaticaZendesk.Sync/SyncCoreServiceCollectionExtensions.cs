using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync;

public static class SyncCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the core: <see cref="TenantRepository"/> (also <see cref="ITenantDirectory"/>), checkpoints,
    /// audit trail, failed queue, onboarding report, runs, alerts and the engine (<see cref="ISyncEngine"/>, built from its parts).
    /// The host supplies <see cref="IConnectorStateStore"/>, <see cref="IAcumaticaSource"/> and <see cref="IZendeskTarget"/>
    /// (and, for tokens, a <see cref="Credentials.TokenProtector"/> built from <see cref="Credentials.TokenKeyRing.LoadAsync"/>).
    /// The engine's options come from sections <c>Sync:Engine</c> and <c>Sync:Throughput</c>, validated at start.
    /// A second call changes nothing.
    /// </summary>
    public static IServiceCollection AddSyncCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddThroughputOptions(configuration);
        if (!services.Any(d => d.ServiceType == typeof(IConfigureOptions<SyncEngineOptions>)))
        {
            services.AddOptions<SyncEngineOptions>().Bind(configuration.GetSection(SyncEngineOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SyncEngineOptions>>().Value.Retention);
        services.TryAddSingleton<TenantRepository>();
        services.TryAddSingleton<ITenantDirectory>(sp => sp.GetRequiredService<TenantRepository>());
        services.TryAddSingleton<CheckpointStore>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<FailedRecordQueue>();
        services.TryAddSingleton<OnboardingReport>();
        services.TryAddSingleton<RunStore>();
        services.TryAddSingleton<Alerts.AlertLedger>();

        // The engine: per record, a step maps, looks up and writes (the account directory caches one run's listings);
        // the recorder keeps what happened; the pipeline, planner and replayer use both; ISyncEngine is their facade.
        services.TryAddSingleton<AccountDirectory>();
        services.TryAddSingleton<OrganizationStep>();
        services.TryAddSingleton<UserStep>();
        services.TryAddSingleton<RecordProcessor>();
        services.TryAddSingleton<PageRecorder>();
        services.TryAddSingleton<Replayer>();
        services.TryAddSingleton<PageOverlap>();
        services.TryAddSingleton<OwnOrganizationCheck>();
        services.TryAddSingleton<PagePipeline>();
        services.TryAddSingleton<PagePlanner>();
        services.TryAddSingleton<ISyncEngine, SyncEngine>();
        return services;
    }
}
