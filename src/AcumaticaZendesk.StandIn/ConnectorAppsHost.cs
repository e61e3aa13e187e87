using System.Net;
using AcumaticaZendesk.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.StandIn;

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

    /// <summary>Extra configuration for both apps (for example <c>Sync:Throughput:PageSize</c>).</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Hook to start the apps' external dependencies before them — where the sandbox (Acumatica + Zendesk
    /// simulators) will be started once it exists. Its configuration is passed to both apps.
    /// </summary>
    public Func<CancellationToken, Task<ConnectorDependency>>? StartDependencies { get; init; }

    public StandInSidecarOptions Sidecar { get; init; } = new();

    /// <summary>Runs once the sidecar listens, before the apps start (for example to fill its secret store).</summary>
    public Action<StandInSidecar>? ConfigureSidecar { get; init; }

    /// <summary>Kestrel port of the sync worker on 127.0.0.1; 0 for any free port.</summary>
    public int SyncWorkerPort { get; init; }

    /// <summary>Kestrel port of the webhook receiver on 127.0.0.1; 0 for any free port.</summary>
    public int WebhookReceiverPort { get; init; }

    /// <summary>The apps' hosting environment (their <c>appsettings.{Environment}.json</c> is read).</summary>
    public string Environment { get; init; } = RunningApp.TestingEnvironment;

    /// <summary>The clock the sync worker sees (cron slots, leases). Starts at <see cref="DefaultStartTime"/>.</summary>
    public FakeTimeProvider Time { get; init; } = new(DefaultStartTime);

    /// <summary>
    /// Give the sync worker the real clock instead of <see cref="Time"/> (for runs against the sandbox, where the
    /// clients' waits — job polling, Retry-After — must pass in real time).
    /// </summary>
    public bool UseSystemClock { get; init; }

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
    private IReadOnlyDictionary<string, string?> configuration = new Dictionary<string, string?>();
    private ConnectorAppsOptions options = new();

    private ConnectorAppsHost(StandInSidecar sidecar, FakeTimeProvider time)
    {
        Sidecar = sidecar;
        Time = time;
    }

    public StandInSidecar Sidecar { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider SyncWorkerServices => SyncWorkerApp.Services;

    public HttpClient SyncWorker => SyncWorkerApp.Client;

    public IServiceProvider WebhookReceiverServices => WebhookReceiverApp.Services;

    public HttpClient WebhookReceiver => WebhookReceiverApp.Client;

    private RunningApp SyncWorkerApp { get; set; } = null!;

    private RunningApp WebhookReceiverApp { get; set; } = null!;

    public static async Task<ConnectorAppsHost> StartAsync(ConnectorAppsOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ConnectorAppsOptions();
        var sidecar = await StandInSidecar.StartAsync(options.Sidecar, cancellationToken).ConfigureAwait(false);
        var host = new ConnectorAppsHost(sidecar, options.Time);
        try
        {
            options.ConfigureSidecar?.Invoke(sidecar);
            var configuration = new Dictionary<string, string?>(sidecar.AppConfiguration)
            {
                // Every system the tests and the embedded mode reach (sandbox, WireMock) listens on 127.0.0.1: allow-listed explicitly.
                ["Egress:AllowList:0"] = "127.0.0.1",
            };
            if (options.StartDependencies is not null)
            {
                var dependency = await options.StartDependencies(cancellationToken).ConfigureAwait(false);
                host.owned.Add(dependency.Handle);
                Merge(configuration, dependency.Configuration);
            }

            Merge(configuration, options.Configuration);

            host.configuration = configuration;
            host.options = options;
            host.StartSyncWorker();
            host.WebhookReceiverApp = RunningApp.StartWebhookReceiver(
                configuration, options.ConfigureWebhookReceiver, options.WebhookReceiverPort, options.Environment);
            host.owned.Add(host.WebhookReceiverApp);
            sidecar.RegisterApp(DaprNames.AppIds.WebhookReceiver, host.WebhookReceiver);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops the sync worker and starts a new one against the same stand-in (its service overrides run again):
    /// work the old worker held and never completed is dispatched to the new one, as after an app restart.
    /// </summary>
    public async Task RestartSyncWorkerAsync()
    {
        owned.Remove(SyncWorkerApp);
        await SyncWorkerApp.DisposeAsync().ConfigureAwait(false);
        StartSyncWorker();
    }

    private void StartSyncWorker()
    {
        SyncWorkerApp = RunningApp.StartSyncWorker(configuration, services =>
        {
            if (!options.UseSystemClock)
            {
                services.AddSingleton<TimeProvider>(options.Time);
            }

            DaprOnlyFieldsInterceptor.AddToWorkflowClient(services);
            options.ConfigureSyncWorker?.Invoke(services);
        }, options.SyncWorkerPort, options.Environment);
        owned.Add(SyncWorkerApp);
        Sidecar.RegisterApp(DaprNames.AppIds.SyncWorker, SyncWorker);
    }

    /// <summary>Fires the sync worker's cron binding, as daprd does on schedule.</summary>
    public Task<(HttpStatusCode Status, string Body)> TriggerSyncCronAsync(CancellationToken cancellationToken) =>
        Sidecar.TriggerBindingAsync(DaprNames.AppIds.SyncWorker, DaprNames.Components.SyncCron, cancellationToken);

    private static void Merge(Dictionary<string, string?> target, IReadOnlyDictionary<string, string?> source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            await owned[i].DisposeAsync().ConfigureAwait(false);
        }

        await Sidecar.DisposeAsync().ConfigureAwait(false);
    }
}
