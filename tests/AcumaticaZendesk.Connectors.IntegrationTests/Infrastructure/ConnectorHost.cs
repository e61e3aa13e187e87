using System.Collections.Concurrent;
using System.Security.Cryptography;
using AcumaticaZendesk.Sync;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;

/// <summary>Secrets from a dictionary (the Dapr store's stand-in).</summary>
internal sealed class DictionarySecretSource : ISecretSource
{
    public ConcurrentDictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Lookups { get; } = new();

    public Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        Lookups.Enqueue(name);
        return Task.FromResult(Values.TryGetValue(name, out var v) ? v : null);
    }
}

/// <summary>
/// The services as the worker would have them: <c>AddConnectors</c> + <c>AddSyncCore</c> over the core's in-memory
/// state store and a dictionary of secrets (holding a token-encryption key ring).
/// </summary>
internal sealed class ConnectorHost : IDisposable
{
    /// <param name="restartOf">Share that host's state and secrets, as a restarted worker would.</param>
    public ConnectorHost(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null, ConnectorHost? restartOf = null)
    {
        State = restartOf?.State ?? new InMemoryConnectorStateStore();
        Secrets = restartOf?.Secrets ?? new DictionarySecretSource();
        if (restartOf is null)
        {
            Secrets.Values[SecretNames.TokenEncryptionKeys] = "k1=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            Secrets.Values[SecretNames.TokenEncryptionCurrentKeyId] = "k1";
        }

        var values = new Dictionary<string, string?>
        {
            ["Acumatica:Client:RetryBaseDelay"] = "00:00:00.001",
            ["Acumatica:Client:MaxRetryAttempts"] = "1",
            ["Zendesk:RetryBaseDelay"] = "00:00:00.001",
            ["Egress:AllowList:0"] = "127.0.0.1", // WireMock and the sandbox listen here
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value; // a test's setting wins over these defaults
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IConnectorStateStore>(State);
        services.AddSingleton<ISecretSource>(Secrets);
        configure?.Invoke(services);
        services.AddConnectors(configuration);
        services.AddSyncCore(configuration);
        Provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Every log line of every level (to assert that no token, password or secret is logged).</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    public InMemoryConnectorStateStore State { get; }

    public DictionarySecretSource Secrets { get; }

    public ServiceProvider Provider { get; }

    public T Get<T>()
        where T : notnull => Provider.GetRequiredService<T>();

    public static TenantConfig Tenant(string acumaticaUrl, string zendeskBaseUrl, AcumaticaSignIn mode = AcumaticaSignIn.Oauth, string id = "acme") => new()
    {
        Id = id,
        DisplayName = "Acme Holdings",
        Acumatica = new AcumaticaSettings { InstanceUrl = acumaticaUrl, EndpointVersion = "24.200.001", Company = FakeAcumatica.Company, AuthMode = mode },
        Zendesk = new ZendeskSettings { Subdomain = "acme", BaseUrl = zendeskBaseUrl },
        EntityKinds = [EntityKind.Customer, EntityKind.Contact],
        Mapping = new MappingOptions { EmployeeOrganization = new EmployeeOrganizationOptions { Enabled = false } },
    };

    /// <summary>OAuth client (shared names) and the integration user of <paramref name="tenantId"/>: the password grant.</summary>
    public void UsePasswordGrant(string tenantId = "acme")
    {
        UseOAuthClient();
        Secrets.Values[SecretNames.AcumaticaUserName(tenantId)] = FakeAcumatica.UserName;
        Secrets.Values[SecretNames.AcumaticaPassword(tenantId)] = FakeAcumatica.Password;
    }

    public void UseOAuthClient()
    {
        Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Acumatica)] = FakeAcumatica.ClientId;
        Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Acumatica)] = FakeAcumatica.ClientSecret;
    }

    public void Dispose() => Provider.Dispose();
}

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _lines);

    /// <summary>Asserts that something was logged and that no line contains any of <paramref name="secrets"/>.</summary>
    public void AssertNoneContains(params string[] secrets)
    {
        Assert.NotEmpty(_lines);
        foreach (var line in _lines)
        {
            foreach (var secret in secrets)
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> kvs
                ? string.Join(" ", kvs.Select(kv => $"{kv.Key}={kv.Value}"))
                : string.Empty;
            lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {structured} {exception}");
        }
    }
}
