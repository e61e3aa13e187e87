using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>Secrets from a dictionary: the Dapr secret store's stand-in (no sidecar in a benchmark).</summary>
internal sealed class DictionarySecretSource : ISecretSource
{
    public ConcurrentDictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(Values.TryGetValue(name, out var v) ? v : null);
}

/// <summary>
/// The sync worker's services without Dapr: <c>AddConnectors</c> (real adapters and clients) + <c>AddSyncCore</c>
/// (the real engine, <see cref="AcumaticaZendesk.Sync.Ports.ISyncEngine"/>) over <see cref="InMemoryConnectorStateStore"/>,
/// with the sandbox's demo credentials as secrets. Client options are the production defaults.
/// </summary>
internal sealed class ConnectorServices : IAsyncDisposable
{
    private readonly DictionarySecretSource _secrets = new();

    /// <param name="timeScale">The client's job-poll intervals (1 s growing to 15 s) are divided by this (see <see cref="BenchOptions.TimeScale"/>).</param>
    /// <param name="whatIfNoOnboardingSearch">Wrap the real target in <see cref="WhatIfNoOnboardingSearch"/> (empty accounts only).</param>
    /// <param name="workerSettings">Worker settings that differ from its defaults (<see cref="BenchOptions.WorkerSettings"/>).</param>
    public ConnectorServices(
        double timeScale,
        bool whatIfNoOnboardingSearch = false,
        LogLevel minimumLevel = LogLevel.Warning,
        IReadOnlyDictionary<string, string?>? workerSettings = null,
        TimeSpan stateLatency = default)
    {
        _secrets.Values[SecretNames.TokenEncryptionKeys] = "k1=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _secrets.Values[SecretNames.TokenEncryptionCurrentKeyId] = "k1";
        _secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Acumatica)] = DemoCredentials.AcumaticaClientId;
        _secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Acumatica)] = DemoCredentials.AcumaticaClientSecret;
        _secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = DemoCredentials.ZendeskClientId;
        _secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk)] = DemoCredentials.ZendeskClientSecret;

        var settings = new Dictionary<string, string?>
        {
            ["Connectors:ZendeskClientCredentials"] = "true",
            ["Egress:AllowList:0"] = "127.0.0.1", // the in-process sandbox
            ["Zendesk:JobPollInterval"] = TimeSpan.FromSeconds(1 / timeScale).ToString("c", CultureInfo.InvariantCulture),
            ["Zendesk:JobPollMaxInterval"] = TimeSpan.FromSeconds(15 / timeScale).ToString("c", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in workerSettings ?? new Dictionary<string, string?>())
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(minimumLevel).AddSimpleConsole(o => o.SingleLine = true));
        services.AddSingleton<IConfiguration>(configuration);
        StateCalls = new LatentStateStore(State, stateLatency);
        services.AddSingleton(State);
        services.AddSingleton<IConnectorStateStore>(StateCalls);
        services.AddSingleton<ISecretSource>(_secrets);
        if (whatIfNoOnboardingSearch)
            services.AddSingleton<IZendeskTarget>(sp => new WhatIfNoOnboardingSearch(sp.GetRequiredService<ZendeskTarget>()));
        services.AddConnectors(configuration);
        services.AddSyncCore(configuration);
        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public InMemoryConnectorStateStore State { get; } = new();

    /// <summary>The store the connector calls: <see cref="State"/> behind the state latency, counting calls.</summary>
    public LatentStateStore StateCalls { get; }

    public ServiceProvider Provider { get; }

    public ISyncEngine Engine => Provider.GetRequiredService<ISyncEngine>();

    public ZendeskClientMetrics ZendeskMetrics => Provider.GetRequiredService<ZendeskClientMetrics>();

    /// <summary>Stores a tenant for the sandbox instance and account (password grant for Acumatica, client_credentials for Zendesk).</summary>
    public async Task<TenantConfig> AddTenantAsync(
        string tenantId,
        Uri acumaticaUrl,
        Uri zendeskUrl,
        OnboardingPolicy onboarding,
        CancellationToken cancellationToken)
    {
        _secrets.Values[SecretNames.AcumaticaUserName(tenantId)] = DemoCredentials.AcumaticaUser;
        _secrets.Values[SecretNames.AcumaticaPassword(tenantId)] = DemoCredentials.AcumaticaPassword;
        var tenant = new TenantConfig
        {
            Id = tenantId,
            DisplayName = "Benchmark " + tenantId,
            Acumatica = new AcumaticaZendesk.Sync.Tenants.AcumaticaSettings
            {
                InstanceUrl = acumaticaUrl.AbsoluteUri.TrimEnd('/'),
                EndpointName = "Default",
                EndpointVersion = "24.200.001",
                Company = DemoCredentials.AcumaticaTenant,
                AuthMode = AcumaticaSignIn.Oauth,
            },
            Zendesk = new AcumaticaZendesk.Sync.Tenants.ZendeskSettings { Subdomain = tenantId, BaseUrl = zendeskUrl.AbsoluteUri.TrimEnd('/') },
            Onboarding = onboarding,
            EntityKinds = [EntityKind.Customer, EntityKind.Vendor, EntityKind.Contact, EntityKind.Employee],
        };
        TenantValidator.ThrowIfInvalid(tenant);
        await Provider.GetRequiredService<TenantRepository>().SaveAsync(tenant, cancellationToken).ConfigureAwait(false);
        return tenant;
    }

    public async ValueTask DisposeAsync() => await Provider.DisposeAsync().ConfigureAwait(false);
}
