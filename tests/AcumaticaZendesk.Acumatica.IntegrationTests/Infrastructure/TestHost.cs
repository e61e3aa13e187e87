using System.Collections.Concurrent;
using AcumaticaZendesk.Acumatica.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;

/// <summary>A DI container with <c>AddAcumaticaClient()</c>, tiny retry delays and a log capture.</summary>
internal sealed class TestHost : IDisposable
{
    private readonly ServiceProvider _provider;

    public TestHost(TimeProvider? timeProvider = null, Action<AcumaticaClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        if (timeProvider is not null)
            services.AddSingleton(timeProvider);
        services.AddAcumaticaClient(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            o.LogoutTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        });
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public IAcumaticaClientFactory Factory => _provider.GetRequiredService<IAcumaticaClientFactory>();

    public IAcumaticaOAuthService OAuth => _provider.GetRequiredService<IAcumaticaOAuthService>();

    public IAcumaticaClient Client(AcumaticaConnection connection, AcumaticaCredentials credentials, IAcumaticaTokenStore? store = null) =>
        Factory.Create(connection, credentials, store);

    /// <summary>A client for the fake's tenant signing in with the password grant (the default for non-auth tests).</summary>
    public IAcumaticaClient PasswordClient(FakeAcumatica acu, string version = FakeAcumatica.Version) =>
        Client(acu.Connection(AcumaticaAuthMode.OAuthPassword, version), AcumaticaCredentials.ForPassword(FakeAcumatica.OAuthClient, FakeAcumatica.User));

    /// <summary>Asserts that no captured log line contains any of the secrets.</summary>
    public void AssertNoSecretsLogged(params string[] secrets)
    {
        Assert.NotEmpty(Logs.Lines);
        foreach (var line in Logs.Lines)
        {
            foreach (var secret in secrets)
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _provider.Dispose();
}

internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _lines);

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
