extern alias SyncWorkerApp;
extern alias WebhookReceiverApp;

using System.Net;
using AcumaticaZendesk.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SyncWorkerProgram = SyncWorkerApp::Program;
using WebhookReceiverProgram = WebhookReceiverApp::Program;

namespace AcumaticaZendesk.Testing;

/// <summary>Something the apps depend on that a test starts first (the sandbox, later), with the configuration it adds.</summary>
/// <param name="Handle">Stopped when the host is disposed.</param>
/// <param name="Configuration">Keys given to both apps (for example the sandbox's base URLs).</param>
public sealed record ConnectorDependency(IAsyncDisposable Handle, IReadOnlyDictionary<string, string?> Configuration);

/// <summary>What a test may change: only endpoints, configuration and test doubles — never the apps' composition.</summary>
public sealed class ConnectorAppsOptions
{
    /// <summary>Service overrides for the sync worker, applied after the app's own registrations.</summary>
    public Action<IServiceCollection>? ConfigureSyncWorker { get; init; }

    /// <summary>Service overrides for the webhook receiver, applied after the app's own registrations.</summary>
    public Action<IServiceCollection>? ConfigureWebhookReceiver { get; init; }

    /// <summary>Extra configuration for both apps (for example <c>SyncSchedule:PageSize</c>).</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Hook to start the apps' external dependencies before them — where the sandbox (Acumatica + Zendesk
    /// simulators) will be started once it exists. Its configuration is passed to both apps.
    /// </summary>
    public Func<CancellationToken, Task<ConnectorDependency>>? StartDependencies { get; init; }

    public StandInSidecarOptions Sidecar { get; init; } = new();

    /// <summary>The clock the sync worker sees (cron slots, leases). Starts at <see cref="DefaultStartTime"/>.</summary>
    public FakeTimeProvider Time { get; init; } = new(DefaultStartTime);

    public static readonly DateTimeOffset DefaultStartTime = new(2026, 1, 5, 10, 2, 30, TimeSpan.Zero);
}

/// <summary>
/// The real sync worker and webhook receiver, each on its own Kestrel port on 127.0.0.1, wired to a
/// <see cref="StandInSidecar"/> through the SDK's own settings (<c>DAPR_GRPC_ENDPOINT</c>, <c>DAPR_HTTP_ENDPOINT</c>).
/// The apps' <c>Program</c> runs unchanged; the only test-only registration besides the caller's overrides is the
/// <see cref="DaprOnlyFieldsInterceptor"/> on the workflow client.
/// </summary>
public sealed class ConnectorAppsHost : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> owned = [];

    private ConnectorAppsHost(StandInSidecar sidecar, FakeTimeProvider time)
    {
        Sidecar = sidecar;
        Time = time;
    }

    public StandInSidecar Sidecar { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider SyncWorkerServices { get; private set; } = null!;

    public HttpClient SyncWorker { get; private set; } = null!;

    public IServiceProvider WebhookReceiverServices { get; private set; } = null!;

    public HttpClient WebhookReceiver { get; private set; } = null!;

    public static async Task<ConnectorAppsHost> StartAsync(ConnectorAppsOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ConnectorAppsOptions();
        var sidecar = await StandInSidecar.StartAsync(options.Sidecar, cancellationToken).ConfigureAwait(false);
        var host = new ConnectorAppsHost(sidecar, options.Time);
        try
        {
            var configuration = new Dictionary<string, string?>(sidecar.AppConfiguration);
            if (options.StartDependencies is not null)
            {
                var dependency = await options.StartDependencies(cancellationToken).ConfigureAwait(false);
                host.owned.Add(dependency.Handle);
                Merge(configuration, dependency.Configuration);
            }

            Merge(configuration, options.Configuration);

            var syncWorker = new WebApplicationFactory<SyncWorkerProgram>().WithWebHostBuilder(b => Configure(b, configuration, services =>
            {
                services.AddSingleton<TimeProvider>(options.Time);
                DaprOnlyFieldsInterceptor.AddToWorkflowClient(services);
                options.ConfigureSyncWorker?.Invoke(services);
            }));
            host.owned.Add(syncWorker);
            (host.SyncWorkerServices, host.SyncWorker) = Start(syncWorker);

            var receiver = new WebApplicationFactory<WebhookReceiverProgram>().WithWebHostBuilder(b => Configure(b, configuration, services =>
                options.ConfigureWebhookReceiver?.Invoke(services)));
            host.owned.Add(receiver);
            (host.WebhookReceiverServices, host.WebhookReceiver) = Start(receiver);

            sidecar.RegisterApp(DaprNames.AppIds.SyncWorker, host.SyncWorker);
            sidecar.RegisterApp(DaprNames.AppIds.WebhookReceiver, host.WebhookReceiver);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Fires the sync worker's cron binding, as daprd does on schedule.</summary>
    public Task<(HttpStatusCode Status, string Body)> TriggerSyncCronAsync(CancellationToken cancellationToken) =>
        Sidecar.TriggerBindingAsync(DaprNames.AppIds.SyncWorker, DaprNames.Components.SyncCron, cancellationToken);

    private static void Configure(IWebHostBuilder builder, IReadOnlyDictionary<string, string?> configuration, Action<IServiceCollection> services)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(configuration));
        builder.ConfigureTestServices(services);
    }

    private static (IServiceProvider Services, HttpClient Client) Start<TEntryPoint>(WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
    {
        factory.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return (factory.Services, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
    }

    private static void Merge(Dictionary<string, string?> target, IReadOnlyDictionary<string, string?> source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        SyncWorker?.Dispose();
        WebhookReceiver?.Dispose();
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            await owned[i].DisposeAsync().ConfigureAwait(false);
        }

        await Sidecar.DisposeAsync().ConfigureAwait(false);
    }
}
