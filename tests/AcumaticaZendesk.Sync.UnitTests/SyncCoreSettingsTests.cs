using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>The settings an operator gives the core (<c>Sync:Engine</c>, <c>Sync:Throughput</c>) reach it, checked at start.</summary>
public sealed class SyncCoreSettingsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private static ServiceProvider Core(IConfiguration configuration, int calls = 1)
    {
        var services = new ServiceCollection().AddSingleton<IConnectorStateStore, InMemoryConnectorStateStore>();
        for (var i = 0; i < calls; i++)
        {
            services.AddSyncCore(configuration);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }

    [Fact]
    public void The_engine_and_throughput_settings_of_the_configuration_are_the_ones_the_core_uses()
    {
        using var provider = Core(Settings(
            ("Sync:Engine:MaxRetriesPerWindow", "7"),
            ("Sync:Engine:PageEdges:PageOverlap", "10"),
            ("Sync:Throughput:PageSize", "200")));

        var engine = provider.GetRequiredService<IOptions<SyncEngineOptions>>().Value;
        Assert.Equal((7, 10), (engine.MaxRetriesPerWindow, engine.PageEdges.PageOverlap));
        Assert.Equal(200, provider.GetRequiredService<IOptions<ThroughputOptions>>().Value.PageSize);
    }

    [Fact]
    public void Registering_the_core_twice_keeps_the_settings_and_reports_a_wrong_one_once()
    {
        using var provider = Core(Settings(("Sync:Engine:MaxRetriesPerWindow", "-1"), ("Sync:Throughput:PageSize", "0")), calls: 2);

        var engine = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SyncEngineOptions>>().Value);
        Assert.Contains("Sync:Engine:MaxRetriesPerWindow must be between 0 and 10000.", Assert.Single(engine.Failures), StringComparison.Ordinal);
        var throughput = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ThroughputOptions>>().Value);
        Assert.Contains("Sync:Throughput:PageSize must be between 1 and 1000", Assert.Single(throughput.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_without_services_or_configuration_is_refused_by_name()
    {
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => SyncCoreServiceCollectionExtensions.AddSyncCore(null!, Settings())).ParamName);
        Assert.Equal("configuration", Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddSyncCore(null!)).ParamName);
    }
}
