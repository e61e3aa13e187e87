using System.Globalization;
using AcumaticaZendesk.Contracts;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;
using Testcontainers.Redis;

namespace AcumaticaZendesk.EndToEndTests.Containers;

/// <summary>
/// A real Dapr control plane around one app on the host: Redis (state incl. workflow actor state, and pub/sub),
/// placement, scheduler and a <c>daprd</c> for <c>sync-worker</c> whose app channel reaches the host app through
/// Testcontainers' host-port tunnel. Components are written with the names in <see cref="DaprNames"/>.
/// </summary>
internal sealed class DaprContainerEnvironment : IAsyncDisposable
{
    /// <summary>
    /// Dapr runtime version of the images: the one the deploys pin (<c>deploy/DAPR_RUNTIME_VERSION</c>, copied next to
    /// the tests); the environment variable <c>DAPR_RUNTIME_VERSION</c> overrides it to try another release.
    /// </summary>
    public static readonly string RuntimeVersion =
        Environment.GetEnvironmentVariable("DAPR_RUNTIME_VERSION") is { Length: > 0 } v ? v : PinnedRuntimeVersion;

    /// <summary>The content of <c>deploy/DAPR_RUNTIME_VERSION</c>.</summary>
    public static string PinnedRuntimeVersion =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DAPR_RUNTIME_VERSION")).Trim();

    private const int DaprGrpcPort = 50001;
    private const int DaprHttpPort = 3500;
    private const int PlacementPort = 50005;
    private const int SchedulerPort = 50006;

    private readonly List<IAsyncDisposable> started = [];
    private readonly string componentsDir = Directory.CreateTempSubdirectory("dapr-components-").FullName;

    public Uri GrpcEndpoint { get; private set; } = null!;

    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>Why containers cannot run here (no reachable Docker engine), or null when they can.</summary>
    public static string? DockerUnavailableReason()
    {
        try
        {
            // Building resolves the Docker endpoint; Testcontainers throws at once when there is none.
            _ = new NetworkBuilder().Build();
            return null;
        }
        catch (DockerUnavailableException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Starts everything but the app; <paramref name="appPort"/> is where the app will listen on the host.</summary>
    public async Task StartAsync(int appPort, string cronSchedule, CancellationToken cancellationToken)
    {
        var network = new NetworkBuilder().Build();
        await Start(network.CreateAsync(cancellationToken), network);
        await TestcontainersSettings.ExposeHostPortsAsync((ushort)appPort, cancellationToken);

        var redis = new RedisBuilder("redis:7.4-alpine").WithNetwork(network).WithNetworkAliases("redis").Build();
        await Start(redis.StartAsync(cancellationToken), redis);

        var image = $"daprio/dapr:{RuntimeVersion}";
        var placement = new ContainerBuilder(image)
            .WithNetwork(network).WithNetworkAliases("placement")
            .WithCommand("./placement", "--port", PlacementPort.ToString(CultureInfo.InvariantCulture))
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("placement server leadership acquired|leader|Placement service started"))
            .Build();
        await Start(placement.StartAsync(cancellationToken), placement);

        var scheduler = new ContainerBuilder(image)
            .WithNetwork(network).WithNetworkAliases("scheduler")
            .WithCommand("./scheduler", "--port", SchedulerPort.ToString(CultureInfo.InvariantCulture), "--etcd-data-dir", "/tmp/scheduler-etcd")
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("Scheduler GRPC server listening|Starting gRPC server|Running"))
            .Build();
        await Start(scheduler.StartAsync(cancellationToken), scheduler);

        WriteComponents(cronSchedule);
        var daprd = new ContainerBuilder(image)
            .WithNetwork(network)
            .WithResourceMapping(new DirectoryInfo(componentsDir), "/components")
            .WithPortBinding(DaprGrpcPort, assignRandomHostPort: true)
            .WithPortBinding(DaprHttpPort, assignRandomHostPort: true)
            .WithCommand(
                "./daprd",
                "--app-id", DaprNames.AppIds.SyncWorker,
                "--app-port", appPort.ToString(CultureInfo.InvariantCulture),
                "--app-channel-address", "host.testcontainers.internal",
                "--dapr-grpc-port", DaprGrpcPort.ToString(CultureInfo.InvariantCulture),
                "--dapr-http-port", DaprHttpPort.ToString(CultureInfo.InvariantCulture),
                "--placement-host-address", $"placement:{PlacementPort}",
                "--scheduler-host-address", $"scheduler:{SchedulerPort}",
                "--resources-path", "/components",
                "--log-level", "info")
            // Outbound health needs no app: daprd is up and its components loaded.
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(
                r => r.ForPort(DaprHttpPort).ForPath(DaprdReadiness.Path).ForStatusCodeMatching(DaprdReadiness.IsReady)))
            .Build();
        await Start(daprd.StartAsync(cancellationToken), daprd);

        GrpcEndpoint = new Uri($"http://127.0.0.1:{daprd.GetMappedPublicPort(DaprGrpcPort)}");
        HttpEndpoint = new Uri($"http://127.0.0.1:{daprd.GetMappedPublicPort(DaprHttpPort)}");
    }

    public IReadOnlyDictionary<string, string?> AppConfiguration => new Dictionary<string, string?>
    {
        ["DAPR_GRPC_ENDPOINT"] = GrpcEndpoint.ToString().TrimEnd('/'),
        ["DAPR_HTTP_ENDPOINT"] = HttpEndpoint.ToString().TrimEnd('/'),
    };

    private async Task Start(Task starting, IAsyncDisposable resource)
    {
        started.Add(resource);
        await starting;
    }

    private void WriteComponents(string cronSchedule)
    {
        WriteComponent(DaprNames.Components.StateStore, "state.redis", ("redisHost", "redis:6379"), ("actorStateStore", "true"));
        WriteComponent(DaprNames.Components.PubSub, "pubsub.redis", ("redisHost", "redis:6379"));
        WriteComponent(DaprNames.Components.SyncCron, "bindings.cron", ("schedule", cronSchedule), ("direction", "input"));
    }

    private void WriteComponent(string name, string type, params (string Name, string Value)[] metadata)
    {
        var items = string.Concat(metadata.Select(m => $"  - name: {m.Name}\n    value: \"{m.Value}\"\n"));
        File.WriteAllText(
            Path.Combine(componentsDir, name + ".yaml"),
            $"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: {type}\n  version: v1\n" +
            $"  metadata:\n{items}scopes:\n- {DaprNames.AppIds.SyncWorker}\n");
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = started.Count - 1; i >= 0; i--)
        {
            await started[i].DisposeAsync();
        }

        Directory.Delete(componentsDir, recursive: true);
    }
}
