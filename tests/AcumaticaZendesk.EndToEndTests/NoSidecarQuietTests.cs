using System.Collections.Concurrent;
using System.Net;
using AcumaticaZendesk.StandIn;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The sync worker started by hand with no sidecar: the operator API answers 503
/// <c>application/problem+json</c> saying what to do (never a 500 or a stack trace), and the log says it once, as a
/// warning with the fix, instead of the Dapr SDK's reconnect errors every few seconds.
/// </summary>
public sealed class NoSidecarQuietTests : IAsyncLifetime
{
    private const string WatchWords = "has not answered healthy";
    private readonly CollectingSink logs = new();
    private RunningApp app = null!;

    public ValueTask InitializeAsync()
    {
        var closed = $"http://127.0.0.1:{NoSidecarTests.ClosedPort()}";
        app = RunningApp.StartSyncWorker(
            new Dictionary<string, string?>
            {
                ["DAPR_GRPC_ENDPOINT"] = closed,
                ["DAPR_HTTP_ENDPOINT"] = closed,
                ["Operator:ApiKeys:0:Name"] = "admin",
            },
            s => s.AddSingleton<ILogEventSink>(logs));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task Operator_calls_answer_503_problem_json_with_the_fix_and_the_log_says_it_once()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var path in new[] { "/operator/v1/tenants", "/operator/v1/tenants/demo/runs", "/operator/v1/tenants/demo/failed" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Add("X-Api-Key", "any-key-0123456789");
            using var response = await app.Client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("make run", body, StringComparison.Ordinal);
            Assert.Contains("DAPR_HTTP_ENDPOINT", body, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        }

        // The API's description needs neither a key nor the sidecar.
        using (var document = await app.Client.GetAsync(new Uri("/openapi/operator.json", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        }

        using (await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct))
        {
        }

        // The watch speaks after its grace; then a few more reconnect cycles of the workflow worker pass.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (!logs.Events.Any(e => e.RenderMessage().Contains(WatchWords, StringComparison.Ordinal)) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }

        await Task.Delay(DaprSidecarWatchProbe * 2, ct);
        var events = logs.Events.ToArray();
        var described = string.Join('\n', events.Select(e => $"{e.Level} {e.RenderMessage()} {e.Exception?.GetType().Name}"));
        var warning = Assert.Single(events, e => e.RenderMessage().Contains(WatchWords, StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Warning, warning.Level);
        Assert.Contains("make run", warning.RenderMessage(), StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.Level >= LogEventLevel.Error);
        Assert.True(events.All(e => e.Exception is null), described);
        Assert.DoesNotContain(events, e => e.Level >= LogEventLevel.Information && Source(e).StartsWith("Dapr.Workflow.Worker.Grpc", StringComparison.Ordinal));
    }

    private static string Source(LogEvent e) =>
        e.Properties.TryGetValue("SourceContext", out var value) && value is ScalarValue { Value: string name } ? name : string.Empty;

    private static TimeSpan DaprSidecarWatchProbe => ServiceDefaults.DaprSidecarWatch.ProbeEvery;

    private sealed class CollectingSink : ILogEventSink
    {
        public ConcurrentQueue<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
    }
}
