using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WireMock.Server;
using WireMock.Settings;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>A request the client sent, with the fake-clock time it left at and its body.</summary>
internal sealed record SentRequest(HttpMethod Method, Uri Url, DateTimeOffset At, string? Body, string? Authorization)
{
    public string Path => Url.AbsolutePath;

    public string? Query(string name) => QueryValues(name).FirstOrDefault();

    public IReadOnlyList<string> QueryValues(string name) =>
        [.. Url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => Uri.UnescapeDataString(p[0]) == name)
            .Select(p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")];
}

/// <summary>Records every request the client sends, stamped with the fake clock.</summary>
internal sealed class RecordingHandler(TimeProvider clock) : DelegatingHandler
{
    public ConcurrentQueue<SentRequest> Sent { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Sent.Enqueue(new SentRequest(request.Method, request.RequestUri!, clock.GetUtcNow(), body, request.Headers.Authorization?.ToString()));
        return await base.SendAsync(request, cancellationToken);
    }
}

// WireMock, not the sandbox: these tests script exact wire answers (malformed bodies, 429s, Retry-After) the sandbox must never give.
/// <summary>
/// A WireMock server on 127.0.0.1, a service provider with <c>AddZendeskClient</c> over a fake clock, and a
/// connection whose base URL points at the server (sandbox-style path <c>/zendesk/acme</c>).
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string AccessToken = "access-token-1";

    private readonly ServiceProvider _services;

    public TestHost(Action<ZendeskClientOptions>? configure = null, ZendeskTokenSet? tokens = null, bool withOAuth = true)
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        Recorder = new RecordingHandler(Clock);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddZendeskClient(o =>
        {
            o.JobPollInterval = TimeSpan.FromSeconds(1);
            o.JobPollMaxInterval = TimeSpan.FromSeconds(2);
            configure?.Invoke(o);
        });
        services.AddHttpClient(ZendeskServiceCollectionExtensions.HttpClientName).AddHttpMessageHandler(() => Recorder);
        _services = services.BuildServiceProvider(validateScopes: true);
        Connection = new ZendeskConnection(
            "acme",
            new Uri($"{Server.Url}/zendesk/acme"),
            withOAuth ? new ZendeskOAuthApp("connector", "client-secret", new Uri("https://connector.example/oauth/callback")) : null);
        Tokens.SaveTokensAsync(Connection, tokens ?? new ZendeskTokenSet(AccessToken, "refresh-1", Clock.GetUtcNow().AddHours(1)), default)
            .AsTask().GetAwaiter().GetResult();
        Client = Factory.Create(Connection, Tokens);
    }

    public const string Prefix = "/zendesk/acme";

    public WireMockServer Server { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public FakeTimeProvider Clock { get; }

    public RecordingHandler Recorder { get; }

    public InMemoryZendeskTokenSource Tokens { get; } = new();

    public ZendeskConnection Connection { get; }

    public ZendeskClient Client { get; }

    public IZendeskClientFactory Factory => _services.GetRequiredService<IZendeskClientFactory>();

    public ZendeskOAuthClient OAuth => _services.GetRequiredService<ZendeskOAuthClient>();

    public ZendeskClientMetrics Metrics => _services.GetRequiredService<ZendeskClientMetrics>();

    public ZendeskClientOptions Options => _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ZendeskClientOptions>>().Value;

    public IReadOnlyList<SentRequest> Sent => [.. Recorder.Sent];

    public IReadOnlyList<SentRequest> SentTo(string pathSuffix) => [.. Recorder.Sent.Where(r => r.Path.EndsWith(pathSuffix, StringComparison.Ordinal))];

    /// <summary>
    /// Awaits <paramref name="task"/> while moving the fake clock forward in <paramref name="step"/>s whenever the
    /// task is idle, so waits on the injected TimeProvider (Retry-After, back-off, job polls) complete without wall time.
    /// </summary>
    public async Task<T> RunAsync<T>(Task<T> task, TimeSpan? step = null)
    {
        var advance = step ?? TimeSpan.FromMilliseconds(500);
        for (var i = 0; !task.IsCompleted && i < 20_000; i++)
        {
            await Task.WhenAny(task, Task.Delay(2, TestContext.Current.CancellationToken));
            if (!task.IsCompleted)
            {
                Clock.Advance(advance);
            }
        }

        return await task;
    }

    public Task RunAsync(Task task, TimeSpan? step = null) => RunAsync(Wrap(task), step);

    /// <summary>The job-status poller of <paramref name="connection"/>'s account (this host's account by default).</summary>
    internal Jobs.ZendeskJobPoller Polls(ZendeskConnection? connection = null) =>
        _services.GetRequiredService<Http.ZendeskAccountStates>().For(connection ?? Connection).JobPolls;

    /// <summary>The request budget of this host's account (what it learnt from <c>X-Rate-Limit</c>).</summary>
    internal Http.ZendeskRateBudget Budget() => _services.GetRequiredService<Http.ZendeskAccountStates>().For(Connection).Budget;

    /// <summary>The bulk-job limit of this host's account.</summary>
    internal Jobs.ZendeskJobLimit JobLimit() => _services.GetRequiredService<Http.ZendeskAccountStates>().For(Connection).BulkJobs;

    /// <summary>
    /// Awaits <paramref name="task"/> while driving the fake clock for job polls: whenever all
    /// <paramref name="jobs"/> jobs wait for their next poll, the clock jumps exactly to the earliest due poll (so
    /// requests are stamped with their scheduled time); when something else waits on the clock (a retry back-off,
    /// fewer jobs left) it moves 100 ms once the task has been idle for a while.
    /// </summary>
    public Task<T> PollUntilDoneAsync<T>(Task<T> task, int jobs, params Jobs.ZendeskJobPoller[] pollers) =>
        DrivePollsAsync(task, jobs, idleSteps: true, pollers);

    /// <summary>
    /// Like <see cref="PollUntilDoneAsync{T}"/> for <paramref name="jobs"/> jobs that are polled in lockstep and wait
    /// on nothing but their polls: the clock only ever jumps to the next due poll once every job waits for it, never
    /// while a request or its answer is under way, so a slow machine cannot shift the schedule.
    /// </summary>
    public Task<T> PollInLockstepAsync<T>(Task<T> task, int jobs) => DrivePollsAsync(task, jobs, idleSteps: false, [Polls()]);

    private async Task<T> DrivePollsAsync<T>(Task<T> task, int jobs, bool idleSteps, Jobs.ZendeskJobPoller[] pollers)
    {
        pollers = pollers.Length == 0 ? [Polls()] : pollers;
        var idle = 0;
        for (var i = 0; !task.IsCompleted && i < 20_000; i++)
        {
            await Task.WhenAny(task, Task.Delay(1, TestContext.Current.CancellationToken));
            if (task.IsCompleted)
            {
                break;
            }

            var now = Clock.GetUtcNow();
            var next = pollers.Select(p => p.NextDue).Min();
            if (pollers.Sum(p => p.Waiting) == jobs && next > now)
            {
                Clock.Advance(next.Value - now);
                idle = 0;
            }
            else if (idleSteps && ++idle >= 50)
            {
                Clock.Advance(TimeSpan.FromMilliseconds(100));
                idle = 0;
            }
        }

        return await task;
    }

    public async ValueTask DisposeAsync()
    {
        Server.Stop();
        Server.Dispose();
        await _services.DisposeAsync();
    }

    private static async Task<bool> Wrap(Task task)
    {
        await task;
        return true;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Keeps every log line (message and structured values) for assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner.Entries.Enqueue((logLevel, $"{formatter(state, exception)} | {values} | {exception}"));
        }
    }
}
