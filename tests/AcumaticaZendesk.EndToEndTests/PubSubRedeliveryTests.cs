using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.StandIn;
using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// Pub/sub deliveries as daprd over Redis Streams makes them: the inbound policy of the resiliency spec, the broker's
/// redelivery of a message still unacknowledged after <c>processingTimeout</c>, and the dead-letter topic. A subscriber
/// app that is slow and refuses its first ten deliveries shows what the configuration before this fix did (the same
/// message handled twice at once, and accepted twice) and what the repository's configuration does.
/// </summary>
public sealed class PubSubRedeliveryTests
{
    private const string Topic = "orders";
    private const string AppId = "subscriber";

    /// <summary>Waits are scaled by this: a handling of 5 s takes 0.25 s here.</summary>
    private const double TimeScale = 0.05;

    private static readonly TimeSpan SlowHandling = TimeSpan.FromSeconds(5) * TimeScale;

    /// <summary>components/resiliency.yaml before this fix: inbound deliveries under pubsubRetry, no timeout.</summary>
    private const string ResiliencyBeforeTheFix = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: connector-resiliency
        spec:
          policies:
            retries:
              pubsubRetry:
                policy: exponential
                maxInterval: 60s
                maxRetries: 10
          targets:
            components:
              connector-pubsub:
                inbound:
                  retry: pubsubRetry
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Before_the_fix_a_slow_delivery_still_retrying_was_delivered_again_and_accepted_twice()
    {
        // components/connector-pubsub.yaml had no processingTimeout / redeliverInterval (Redis's defaults), and the
        // subscriptions no dead-letter topic.
        await using var subscriber = await SubscriberApp.StartAsync(refuseFirst: 10, SlowHandling, deadLetterTopic: null, Token);
        await using var sidecar = await StartSidecarAsync(SidecarResiliency.Parse(ResiliencyBeforeTheFix), RedisStreamsRedelivery.Defaults, subscriber);

        var id = await PublishAsync(sidecar);

        var handlings = sidecar.PubSub.Deliveries.Where(d => d.MessageId == id).ToList();
        Assert.Contains(handlings, d => d.BrokerDelivery == 2);
        Assert.Equal(2, subscriber.Accepted(id));
        Assert.DoesNotContain(sidecar.PubSub.Published, p => p.Topic == DaprNames.Topics.DeadLetters);
    }

    [Fact]
    public async Task With_the_repository_configuration_the_message_is_handled_once_and_then_dead_lettered()
    {
        await using var subscriber = await SubscriberApp.StartAsync(refuseFirst: 10, SlowHandling, DaprNames.Topics.DeadLetters, Token);
        await using var sidecar = await StartSidecarAsync(SidecarResiliency.Repository, RedisStreamsRedelivery.Repository, subscriber);

        var id = await PublishAsync(sidecar);

        var handling = Assert.Single(sidecar.PubSub.Deliveries, d => d.MessageId == id);
        Assert.Equal(DeliveryOutcome.DeadLettered, handling.Outcome);
        Assert.Equal(SidecarResiliency.Repository.For(DaprNames.Components.PubSub)!.InboundRetry!.MaxRetries + 1, handling.Attempts);
        Assert.Equal(0, subscriber.Accepted(id));
        var deadLetter = Assert.Single(sidecar.PubSub.Published, p => p.Topic == DaprNames.Topics.DeadLetters);
        Assert.Equal(id, (string?)JsonNode.Parse(deadLetter.CloudEventJson)!["id"]);
        Assert.Equal(Topic, (string?)JsonNode.Parse(deadLetter.CloudEventJson)!["topic"]);
    }

    [Fact]
    public async Task A_delivery_refused_a_few_times_is_retried_under_the_inbound_policy_and_accepted_once()
    {
        await using var subscriber = await SubscriberApp.StartAsync(refuseFirst: 2, TimeSpan.Zero, DaprNames.Topics.DeadLetters, Token);
        await using var sidecar = await StartSidecarAsync(SidecarResiliency.Repository, RedisStreamsRedelivery.Repository, subscriber);

        var id = await PublishAsync(sidecar);

        var handling = Assert.Single(sidecar.PubSub.Deliveries, d => d.MessageId == id);
        Assert.Equal((DeliveryOutcome.Delivered, 3), (handling.Outcome, handling.Attempts));
        Assert.Equal(1, subscriber.Accepted(id));
    }

    [Fact]
    public async Task Before_the_fix_a_message_the_app_always_refuses_was_redelivered_without_end()
    {
        await using var subscriber = await SubscriberApp.StartAsync(refuseFirst: int.MaxValue, TimeSpan.Zero, deadLetterTopic: null, Token);
        await using var sidecar = await StartSidecarAsync(
            SidecarResiliency.Parse(ResiliencyBeforeTheFix), RedisStreamsRedelivery.Defaults, subscriber, redeliveryLimit: 3);

        var id = await PublishAsync(sidecar);

        // Each handling outlived processingTimeout, so none was acknowledged; only the stand-in's limit ends it.
        Assert.Equal([1, 2, 3], sidecar.PubSub.Deliveries.Where(d => d.MessageId == id).Select(d => d.BrokerDelivery).Order());
        Assert.All(sidecar.PubSub.Deliveries, d => Assert.Equal(DeliveryOutcome.Failed, d.Outcome));
        Assert.Equal(1, sidecar.PubSub.GaveUp);
    }

    private static async Task<StandInSidecar> StartSidecarAsync(
        SidecarResiliency resiliency, RedisStreamsRedelivery redelivery, SubscriberApp subscriber, int redeliveryLimit = 10)
    {
        var sidecar = await StandInSidecar.StartAsync(
            new StandInSidecarOptions
            {
                Resiliency = resiliency,
                PubSubRedelivery = redelivery,
                PubSubTimeScale = TimeScale,
                PubSubRedeliveryLimit = redeliveryLimit,
                MinimumLogLevel = LogLevel.Error,
            },
            Token);
        sidecar.RegisterApp(AppId, subscriber.Client);
        return sidecar;
    }

    /// <summary>Publishes one message through the Dapr API and waits until the stand-in has finished with it.</summary>
    private static async Task<string> PublishAsync(StandInSidecar sidecar)
    {
        using var dapr = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint.ToString()).Build();
        await dapr.PublishEventAsync(DaprNames.Components.PubSub, Topic, new { order = 1 }, Token);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await sidecar.PubSub.WhenIdleAsync().WaitAsync(deadline.Token);
        return (string)JsonNode.Parse(sidecar.PubSub.Published.First(p => p.Topic == Topic).CloudEventJson)!["id"]!;
    }

    /// <summary>
    /// A subscriber on 127.0.0.1 (its subscription with or without a dead-letter topic) that takes <c>handling</c> per
    /// delivery and answers 500 to the first <c>refuseFirst</c> deliveries of each message, 200 afterwards; it counts
    /// what it accepted.
    /// </summary>
    private sealed class SubscriberApp : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, int> accepted = new(StringComparer.Ordinal);

        private SubscriberApp(WebApplication app) => this.app = app;

        public HttpClient Client { get; private set; } = null!;

        public int Accepted(string messageId) => accepted.GetValueOrDefault(messageId);

        public static async Task<SubscriberApp> StartAsync(int refuseFirst, TimeSpan handling, string? deadLetterTopic, CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var web = builder.Build();
            var subscriber = new SubscriberApp(web);
            web.MapGet("/dapr/subscribe", () => Results.Json(new[]
            {
                new { pubsubname = DaprNames.Components.PubSub, topic = Topic, route = "/orders", deadLetterTopic },
            }));
            web.MapPost("/orders", async (HttpRequest request) =>
            {
                var id = (string)JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!["id"]!;
                var call = subscriber.calls.AddOrUpdate(id, 1, (_, n) => n + 1);
                await Task.Delay(handling);
                if (call <= refuseFirst)
                {
                    return Results.StatusCode(StatusCodes.Status500InternalServerError);
                }

                subscriber.accepted.AddOrUpdate(id, 1, (_, n) => n + 1);
                return Results.Ok();
            });
            await web.StartAsync(cancellationToken);
            subscriber.Client = new HttpClient { BaseAddress = new Uri(web.Urls.First()) };
            return subscriber;
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
