using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync.Throughput;

public static class ThroughputRegistration
{
    /// <summary>Where each throughput setting lived before <see cref="ThroughputOptions.SectionName"/> held them all.</summary>
    private static readonly (string Old, string New)[] MovedKeys =
    [
        ("SyncSchedule:PageSize", nameof(ThroughputOptions.PageSize)),
        ("SyncSchedule:PagesPerActivity", nameof(ThroughputOptions.PagesPerBatch)),
        ("Sync:Engine:PipelineDepth", nameof(ThroughputOptions.PipelineDepth)),
        ("Sync:Engine:MaxConcurrentWrites", nameof(ThroughputOptions.MaxConcurrentWrites)),
        ("Zendesk:MaxConcurrentBulkJobs", nameof(ThroughputOptions.MaxConcurrentBulkJobs)),
        ("Connectors:ZendeskSearchConcurrency", nameof(ThroughputOptions.ZendeskSearchConcurrency)),
        ("Connectors:ReplayReadConcurrency", nameof(ThroughputOptions.ReplayReadConcurrency)),
    ];

    /// <summary>
    /// Binds <see cref="ThroughputOptions"/>, validated at start; a setting under its former key stops the start (it would
    /// be ignored in silence). A second call changes nothing.
    /// </summary>
    public static IServiceCollection AddThroughputOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(IConfigureOptions<ThroughputOptions>)))
            return services;

        var moved = MovedKeys.Where(k => configuration[k.Old] is not null)
            .Select(k => $"{k.Old} is no longer read: set {ThroughputOptions.SectionName}:{k.New} instead.").ToArray();
        if (moved.Length > 0)
            throw new OptionsValidationException(ThroughputOptions.SectionName, typeof(ThroughputOptions), moved);

        services.AddOptions<ThroughputOptions>().Bind(configuration.GetSection(ThroughputOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
