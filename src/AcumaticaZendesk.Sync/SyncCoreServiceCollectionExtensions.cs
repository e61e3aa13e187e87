using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.Sync;

public static class SyncCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the core: <see cref="TenantRepository"/> (also <see cref="ITenantDirectory"/>), checkpoints,
    /// audit trail, failed queue, onboarding report, runs and <see cref="SyncEngine"/> (also <see cref="ISyncEngine"/>).
    /// The host supplies <see cref="IConnectorStateStore"/>, <see cref="IAcumaticaSource"/> and <see cref="IZendeskTarget"/>
    /// (and, for tokens, a <see cref="Credentials.TokenProtector"/> built from <see cref="Credentials.TokenKeyRing.LoadAsync"/>).
    /// </summary>
    public static IServiceCollection AddSyncCore(this IServiceCollection services, SyncEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var resolved = options ?? new SyncEngineOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(resolved);
        services.TryAddSingleton(resolved.Retention);
        services.TryAddSingleton<TenantRepository>();
        services.TryAddSingleton<ITenantDirectory>(sp => sp.GetRequiredService<TenantRepository>());
        services.TryAddSingleton<CheckpointStore>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<FailedRecordQueue>();
        services.TryAddSingleton<OnboardingReport>();
        services.TryAddSingleton<RunStore>();
        services.TryAddSingleton<Alerts.AlertLedger>();
        services.TryAddSingleton<SyncEngine>();
        services.TryAddSingleton<ISyncEngine>(sp => sp.GetRequiredService<SyncEngine>());
        return services;
    }
}
