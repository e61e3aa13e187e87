using AcumaticaZendesk.Connectors.Acumatica;
using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Sync;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Throughput;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

public sealed class RegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IConnectorStateStore>(new InMemoryConnectorStateStore());
        services.AddConnectors(configuration);
        services.AddSyncCore(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public void AddConnectors_provides_every_port_the_engine_needs_with_the_dapr_secret_store()
    {
        using var provider = Build(new() { ["Connectors:Secrets:NestedSeparator"] = "::" });

        Assert.IsType<AcumaticaSource>(provider.GetRequiredService<IAcumaticaSource>());
        Assert.IsType<ZendeskTarget>(provider.GetRequiredService<IZendeskTarget>());
        var secrets = Assert.IsType<DaprSecretSource>(provider.GetRequiredService<ISecretSource>());
        Assert.Equal("tenants::acme::zendesk::client-id", secrets.StoreKey("tenants:acme:zendesk:client-id"));
        Assert.NotNull(provider.GetRequiredService<ISyncEngine>());
    }

    [Fact]
    public void Invalid_settings_fail_with_the_configuration_key_named()
    {
        using var provider = Build(new()
        {
            ["Connectors:KeyRingRefreshInterval"] = "00:00:00",
            ["Sync:Throughput:ReplayReadConcurrency"] = "0",
            ["Connectors:Secrets:StoreName"] = " ",
        });

        var connectors = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ConnectorOptions>>().Value);
        var throughput = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ThroughputOptions>>().Value);
        var secrets = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DaprSecretSourceOptions>>().Value);

        Assert.Contains("Connectors:KeyRingRefreshInterval must be between 00:00:01 and 1.00:00:00", connectors.Message, StringComparison.Ordinal);
        Assert.Contains("Sync:Throughput:ReplayReadConcurrency must be between 1 and 16", throughput.Message, StringComparison.Ordinal);
        Assert.Contains("Connectors:Secrets:StoreName is required", secrets.Message, StringComparison.Ordinal);
    }
}
