extern alias SyncWorkerApp;
extern alias WebhookReceiverApp;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SyncWorkerProgram = SyncWorkerApp::Program;
using WebhookReceiverProgram = WebhookReceiverApp::Program;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// One of the real apps, started through its unchanged <c>Program</c> on a Kestrel port on 127.0.0.1, with test
/// configuration (added last, so it wins) and test service overrides (applied after the app's registrations).
/// </summary>
public sealed class RunningApp : IAsyncDisposable
{
    private readonly IAsyncDisposable factory;

    private RunningApp(IAsyncDisposable factory, IServiceProvider services, Uri address)
    {
        this.factory = factory;
        Services = services;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The hosting environment the test suites give the apps (no <c>appsettings.Testing.json</c> exists).</summary>
    public const string TestingEnvironment = "Testing";

    public IServiceProvider Services { get; }

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <param name="configuration">Configuration keys (e.g. <c>DAPR_GRPC_ENDPOINT</c>).</param>
    /// <param name="configureServices">Test overrides.</param>
    /// <param name="port">0 for any free port, or a port the caller reserved (a real daprd needs it up front).</param>
    /// <param name="environment">The hosting environment (<see cref="TestingEnvironment"/> in the test suites).</param>
    public static RunningApp StartSyncWorker(
        IReadOnlyDictionary<string, string?> configuration,
        Action<IServiceCollection>? configureServices = null,
        int port = 0,
        string environment = TestingEnvironment) =>
        Start(new WebApplicationFactory<SyncWorkerProgram>(), configuration, configureServices, port, environment);

    public static RunningApp StartWebhookReceiver(
        IReadOnlyDictionary<string, string?> configuration,
        Action<IServiceCollection>? configureServices = null,
        int port = 0,
        string environment = TestingEnvironment) =>
        Start(new WebApplicationFactory<WebhookReceiverProgram>(), configuration, configureServices, port, environment);

    private static RunningApp Start<TEntryPoint>(
        WebApplicationFactory<TEntryPoint> root,
        IReadOnlyDictionary<string, string?> configuration,
        Action<IServiceCollection>? configureServices,
        int port,
        string environment)
        where TEntryPoint : class
    {
        var factory = root.WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            // Host settings reach the app's Program before its first line (what a Program reads while it registers
            // services, e.g. whether to add the console's OpenID Connect scheme, sees them); the same values added
            // last win over appsettings for everything bound later.
            foreach (var (key, value) in configuration)
            {
                if (value is not null)
                {
                    b.UseSetting(key, value);
                }
            }

            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(configuration));
            b.ConfigureTestServices(s => configureServices?.Invoke(s));
        });
        try
        {
            factory.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
            factory.StartServer();
            var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new RunningApp(new Owner(factory, root), factory.Services, new Uri(address));
        }
        catch
        {
            factory.Dispose();
            root.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await factory.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Owner(IAsyncDisposable derived, IAsyncDisposable root) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await derived.DisposeAsync().ConfigureAwait(false);
            await root.DisposeAsync().ConfigureAwait(false);
        }
    }
}
