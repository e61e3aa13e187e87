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
    /// Registers the core's stores and the engine; a second call changes nothing. The host supplies the ports and, for
    /// tokens, a <see cref="Credentials.TokenProtector"/>.
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
