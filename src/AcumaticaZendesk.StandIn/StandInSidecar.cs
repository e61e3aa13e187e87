using System.Collections.Concurrent;
using System.Net;
using AcumaticaZendesk.Contracts;
using Dapr.Client.Autogen.Grpc.v1;
using DurableTask.Core;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.StandIn;

/// <summary>Names and knobs of the stand-in sidecar.</summary>
public sealed class StandInSidecarOptions
{
    public IReadOnlyList<string> StateStores { get; init; } = [DaprNames.Components.StateStore];

    public IReadOnlyList<string> PubSubs { get; init; } = [DaprNames.Components.PubSub];

    public IReadOnlyList<string> SecretStores { get; init; } = [DaprNames.Components.SecretStore];

    /// <summary>
    /// When the pub/sub broker redelivers an unacknowledged message (by default the repository's
    /// <c>components/connector-pubsub.yaml</c>, a Redis Streams component).
    /// </summary>
    public RedisStreamsRedelivery PubSubRedelivery { get; init; } = RedisStreamsRedelivery.Repository;

    /// <summary>
    /// Factor applied to the pub/sub waits (inbound retries and timeouts, processing timeout, redeliver interval). 1 by
    /// default: they race the app's real handling time, so scaling them alone would make a quick app look slow.
    /// </summary>
    public double PubSubTimeScale { get; init; } = 1;

    /// <summary>Deliveries of one message after which the stand-in stops redelivering it (real Redis never stops).</summary>
    public int PubSubRedeliveryLimit { get; init; } = 10;

    /// <summary>
    /// Which real state store the state stores behave like. Defaults to the environment variable
    /// <c>STANDIN_STATE_STORE</c> (<c>sqlite</c>, <c>postgresql</c>, <c>redis</c>, <c>cosmosdb</c>), else sqlite (the local run's store).
    /// </summary>
    public StateStorePersonality StatePersonality { get; init; } = StateStorePersonalities.FromEnvironment();

    /// <summary>The Resiliency spec applied to component calls (by default the repository's <c>components/resiliency.yaml</c>).</summary>
    public SidecarResiliency Resiliency { get; init; } = SidecarResiliency.Repository;

    /// <summary>Factor applied to the spec's waits (retry backoff, circuit breaker open time), so tests stay quick.</summary>
    public double ResiliencyTimeScale { get; init; } = 0.01;

    /// <summary>How long StartInstance takes beyond the instance's start (a loaded sidecar); zero by default.</summary>
    public TimeSpan WorkflowStartDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// When a workflow step whose save the actor state store refused (too many operations) is tried again; daprd tries
    /// it again when the step's reminder fires again.
    /// </summary>
    public TimeSpan FailedStepRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Orchestration steps the app may be running at once (daprd's Configuration <c>spec.workflow.maxConcurrentWorkflowInvocations</c>);
    /// null keeps the in-memory task hub's own limit (the machine's processor count).
    /// </summary>
    public int? MaxConcurrentWorkflowInvocations { get; init; }

    /// <summary>Activities the app may be running at once (<c>spec.workflow.maxConcurrentActivityInvocations</c>); null as above.</summary>
    public int? MaxConcurrentActivityInvocations { get; init; }

    /// <summary>Lowest level the stand-in logs at (its own and the in-memory task hub's logs).</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>The sidecar's clock: its cron binding starts reading at the clock's time when the sidecar starts.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The schedule of the <c>sync-cron</c> binding (by default the repository's <c>components/sync-cron.yaml</c>).</summary>
    public string SyncCronSchedule { get; init; } = StandInCronBinding.RepositorySyncCronSchedule;

    /// <summary>
    /// Another stand-in whose state stores and workflow engine this one uses: a second replica's sidecar, which
    /// reaches the same state store and, through the actor placement, the same workflow instances.
    /// </summary>
    public StandInSidecar? ShareStateAndWorkflowsWith { get; init; }
}

/// <summary>
/// A test-only stand-in for daprd, in process, on 127.0.0.1:
/// <list type="bullet">
/// <item>one gRPC port (<see cref="GrpcEndpoint"/>, for <c>DAPR_GRPC_ENDPOINT</c>) serving both the workflow engine
/// (<see cref="TaskHubGrpcServer"/> over DurableTask.Core's in-memory orchestration service) and a fake of the Dapr
/// API (<see cref="FakeDaprApi"/>: state with ETags, secrets, pub/sub, output bindings);</item>
/// <item>an HTTP/1.1 port (<see cref="HttpEndpoint"/>, for <c>DAPR_HTTP_ENDPOINT</c>) answering the health probe.</item>
/// </list>
/// Anything not implemented is answered <c>Unimplemented</c> (gRPC) or 501 (HTTP) and recorded in
/// <see cref="UnimplementedCalls"/>, so no test passes by silence. Drives apps like daprd does: input bindings
/// (<see cref="TriggerBindingAsync"/>) and pub/sub deliveries to the routes the apps list on <c>/dapr/subscribe</c>.
/// </summary>
public sealed class StandInSidecar : IAsyncDisposable
{
    private readonly WebApplication host;
    private readonly ConcurrentDictionary<string, FakeStateStore> stateStores = new(StringComparer.Ordinal);
    private readonly HashSet<string> pubSubs;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> secretStores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<InvokeBindingRequest, InvokeBindingResponse>> outputBindings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HttpClient> apps = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> unimplemented = new();
    private readonly ConcurrentQueue<string> refusedWrites = new();
    private readonly ConcurrentQueue<(string Key, StateWriteRefusal Refusal)> refusals = new();
    private readonly ConcurrentDictionary<string, ComponentCallRunner> runners = new(StringComparer.Ordinal);
    private readonly StandInSidecarOptions options;
    private readonly ConcurrentQueue<InvokeBindingRequest> bindingInvocations = new();
    private readonly ILogger logger;

    private StandInSidecar(WebApplication host, StandInSidecarOptions options)
    {
        this.host = host;
        this.options = options;
        foreach (var name in options.StateStores)
        {
            stateStores[name] = options.ShareStateAndWorkflowsWith is { } other
                ? other.StateStore(name)
                : new FakeStateStore(options.StatePersonality);
        }

        foreach (var name in options.SecretStores)
        {
            secretStores[name] = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        }

        pubSubs = new HashSet<string>(options.PubSubs, StringComparer.Ordinal);
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();
        logger = loggers.CreateLogger<StandInSidecar>();
        PubSub = new FakePubSub(
            loggers.CreateLogger<FakePubSub>(),
            new PubSubDeliveryOptions(
                options.Resiliency.For(DaprNames.Components.PubSub), options.PubSubRedelivery, options.PubSubTimeScale, options.PubSubRedeliveryLimit));
        Orchestrations = host.Services.GetRequiredService<InMemoryOrchestrationService>();
        TaskHub = host.Services.GetRequiredService<RestartableTaskHubGrpcServer>();
        SyncCron = new StandInCronBinding(
            DaprNames.Components.SyncCron, DaprCronSchedule.Parse(options.SyncCronSchedule), options.Clock.GetUtcNow());
    }

    /// <summary><c>http://127.0.0.1:{port}</c> of the gRPC port (workflow engine + Dapr API).</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:{port}</c> of the HTTP/1.1 port (health probe).</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    public FakePubSub PubSub { get; }

    /// <summary>This sidecar's <c>sync-cron</c> input binding: when it fires (<see cref="TriggerBindingAsync"/> fires it).</summary>
    public StandInCronBinding SyncCron { get; }

    /// <summary>The in-memory task hub behind the workflow gRPC service (instances can be queried directly).</summary>
    public InMemoryOrchestrationService Orchestrations { get; }

    /// <summary>The workflow gRPC service (instance creation rules, <see cref="RestartableTaskHubGrpcServer.CreatedAgain"/>).</summary>
    public RestartableTaskHubGrpcServer TaskHub { get; }

    /// <summary>Every call the stand-in refused as not implemented (gRPC path or HTTP method + path).</summary>
    public IReadOnlyCollection<string> UnimplementedCalls => [.. unimplemented];

    /// <summary>Every state write or delete the store refused ("store/key"), whatever the reason.</summary>
    public IReadOnlyCollection<string> RefusedStateWrites => [.. refusedWrites];

    /// <summary>Every refused state write ("store/key") with the store's reason (which decides the gRPC code).</summary>
    public IReadOnlyCollection<(string Key, StateWriteRefusal Refusal)> StateRefusals => [.. refusals];

    /// <summary>How many times the circuit breaker guarding <paramref name="component"/> opened.</summary>
    public int CircuitBreakerTrips(string component) => runners.TryGetValue(component, out var r) ? r.Trips : 0;

    /// <summary>Calls made to <paramref name="component"/>'s store, retries included (only for components under a policy).</summary>
    public int ComponentCallAttempts(string component) => runners.TryGetValue(component, out var r) ? r.Attempts : 0;

    public IReadOnlyCollection<InvokeBindingRequest> BindingInvocations => [.. bindingInvocations];

    /// <summary>The configuration the apps need to talk to this stand-in instead of daprd.</summary>
    public IReadOnlyDictionary<string, string?> AppConfiguration => new Dictionary<string, string?>
    {
        ["DAPR_GRPC_ENDPOINT"] = GrpcEndpoint.ToString().TrimEnd('/'),
        ["DAPR_HTTP_ENDPOINT"] = HttpEndpoint.ToString().TrimEnd('/'),
    };

    public static async Task<StandInSidecar> StartAsync(StandInSidecarOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new StandInSidecarOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(options.MinimumLogLevel);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
        });

        builder.Services.AddGrpc(o => o.EnableDetailedErrors = true);
        builder.Services.AddSingleton(
            sp => options.ShareStateAndWorkflowsWith?.Orchestrations ?? new InMemoryOrchestrationService(sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<IOrchestrationService>(sp =>
        {
            var hub = sp.GetRequiredService<InMemoryOrchestrationService>();
            return options.MaxConcurrentWorkflowInvocations is null && options.MaxConcurrentActivityInvocations is null
                ? hub
                : new WorkflowConcurrency(
                    hub,
                    options.MaxConcurrentWorkflowInvocations ?? hub.MaxConcurrentTaskOrchestrationWorkItems,
                    options.MaxConcurrentActivityInvocations ?? hub.MaxConcurrentTaskActivityWorkItems);
        });
        builder.Services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<InMemoryOrchestrationService>());
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = TaskHubGrpcServerMode.ApiServerAndDispatcher);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<RestartableTaskHubGrpcServer>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<FakeDaprApi>, FakeDaprApiMethodProvider>());

        StandInSidecar? sidecar = null;
        builder.Services.AddSingleton(_ => sidecar ?? throw new InvalidOperationException("The stand-in sidecar is not built yet"));
        builder.Services.AddSingleton<FakeDaprApi>();

        var app = builder.Build();
        sidecar = new StandInSidecar(app, options);
        app.Use(sidecar.RecordUnimplementedAsync);
        app.MapGrpcService<RestartableTaskHubGrpcServer>();
        app.MapGrpcService<FakeDaprApi>();
        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        app.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());

        // Resolve the task hub now so its start-up hooks register before the host starts.
        _ = app.Services.GetRequiredService<RestartableTaskHubGrpcServer>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a)).ToList();
        if (addresses.Count != 2)
        {
            throw new InvalidOperationException($"The stand-in sidecar expected two listening addresses, got: {string.Join(", ", addresses)}");
        }

        // Kestrel reports the endpoints in the order they were configured: gRPC first, then HTTP/1.1.
        sidecar.GrpcEndpoint = addresses[0];
        sidecar.HttpEndpoint = addresses[1];
        return sidecar;
    }

    /// <summary>Makes an app reachable by the stand-in (bindings, pub/sub deliveries).</summary>
    public void RegisterApp(string appId, HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        apps[appId] = client;
        PubSub.RegisterApp(appId, client);
    }

    /// <summary>Fires an input binding on an app as daprd does: POST <c>/{bindingName}</c>. Returns status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> TriggerBindingAsync(string appId, string bindingName, CancellationToken cancellationToken)
    {
        if (!apps.TryGetValue(appId, out var client))
        {
            throw new InvalidOperationException($"App '{appId}' is not registered with the stand-in sidecar");
        }

        using var content = new StringContent(string.Empty);
        using var response = await client.PostAsync(new Uri("/" + bindingName, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Answers daprd's start-up probe of an input binding route (OPTIONS); daprd accepts 2xx and 405.</summary>
    public async Task<HttpStatusCode> ProbeBindingAsync(string appId, string bindingName, CancellationToken cancellationToken)
    {
        var client = apps[appId];
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri("/" + bindingName, UriKind.Relative));
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }

    public void SetSecret(string storeName, string key, string value) => SecretStore(storeName)[key] = value;

    public void SetOutputBinding(string name, Func<InvokeBindingRequest, InvokeBindingResponse> handler) => outputBindings[name] = handler;

    /// <summary>A state store by component name; an unknown name fails like daprd (the component does not exist).</summary>
    public FakeStateStore StateStore(string name) => stateStores.TryGetValue(name, out var store)
        ? store
        : throw new RpcException(new Status(StatusCode.InvalidArgument, $"state store {name} is not found"));

    internal void EnsurePubSub(string name)
    {
        if (!pubSubs.Contains(name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"pubsub {name} is not found"));
        }
    }

    internal string Secret(string storeName, string key) => SecretStore(storeName).TryGetValue(key, out var value)
        ? value
        : throw new RpcException(new Status(StatusCode.Internal,
            $"failed getting secret with key {key} from secret store {storeName}: secret not found"));

    internal InvokeBindingResponse InvokeOutputBinding(InvokeBindingRequest request)
    {
        bindingInvocations.Enqueue(request);
        return outputBindings.TryGetValue(request.Name, out var handler)
            ? handler(request)
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"couldn't find output binding {request.Name}"));
    }

    internal void RecordRefusedWrite(string store, string key, StateWriteRefusal refusal)
    {
        refusedWrites.Enqueue($"{store}/{key}");
        refusals.Enqueue(($"{store}/{key}", refusal));
    }

    /// <summary>Runs a state store call under the component's outbound resiliency policy, as daprd does.</summary>
    internal Task<T> RunStateCallAsync<T>(string storeName, Func<T> call, CancellationToken cancellationToken)
    {
        if (options.Resiliency.For(storeName) is not { } policy)
        {
            return Task.FromResult(call());
        }

        var runner = runners.GetOrAdd(storeName, _ => new ComponentCallRunner(policy, options.ResiliencyTimeScale, TimeProvider.System));
        return runner.RunAsync(call, cancellationToken);
    }

    /// <summary>
    /// A secret store by component name; an unknown name is daprd's <c>ErrSecretStoreNotFound</c> (dapr
    /// <c>pkg/messages/predefined.go</c>: "failed finding secret store with key %s", InvalidArgument), which says
    /// nothing of a missing secret, so an app reading the wrong store fails instead of seeing "no such secret".
    /// </summary>
    private ConcurrentDictionary<string, string> SecretStore(string name) => secretStores.TryGetValue(name, out var store)
        ? store
        : throw new RpcException(new Status(StatusCode.InvalidArgument, $"failed finding secret store with key {name}"));

    private async Task RecordUnimplementedAsync(HttpContext context, RequestDelegate next)
    {
        var isGrpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
        if (!isGrpc && context.GetEndpoint() is null)
        {
            Record($"HTTP {context.Request.Method} {context.Request.Path}");
            context.Response.StatusCode = StatusCodes.Status501NotImplemented;
            await context.Response.WriteAsync($"The stand-in sidecar does not implement {context.Request.Method} {context.Request.Path}").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
        if (isGrpc && GrpcStatus(context) == ((int)StatusCode.Unimplemented).ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            Record($"gRPC {context.Request.Path}");
        }
    }

    private static string? GrpcStatus(HttpContext context)
    {
        if (context.Response.Headers.TryGetValue("grpc-status", out var header))
        {
            return header.ToString();
        }

        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        return trailers is not null && trailers.TryGetValue("grpc-status", out var trailer) ? trailer.ToString() : null;
    }

    private void Record(string call)
    {
        unimplemented.Enqueue(call);
        logger.LogWarning("Stand-in sidecar: {Call} is not implemented", call);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync().ConfigureAwait(false);
        await host.DisposeAsync().ConfigureAwait(false);
    }
}
