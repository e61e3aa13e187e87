using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.StandIn;

/// <summary>A message an app published through the stand-in.</summary>
public sealed record PublishedMessage(string PubSubName, string Topic, string CloudEventJson);

/// <summary>How one handling of a message by the sidecar ended.</summary>
public enum DeliveryOutcome
{
    /// <summary>The app accepted it (2xx with no status, <c>SUCCESS</c>, or a body that is no JSON).</summary>
    Delivered,

    /// <summary>The app answered 404 or <c>DROP</c> and the subscription has no dead-letter topic.</summary>
    Dropped,

    /// <summary>Dropped by the app, or still refused after the inbound retries: published to the dead-letter topic.</summary>
    DeadLettered,

    /// <summary>Still refused after the inbound retries, and no dead-letter topic: the handler returned an error.</summary>
    Failed,
}

/// <summary>
/// One handling of a message by the sidecar (its inbound retries included). <see cref="BrokerDelivery"/> counts the
/// broker's deliveries of that message to that subscription: 1 is the first read, more are redeliveries.
/// </summary>
public sealed record DeliveryRecord(
    string AppId,
    string PubSubName,
    string Topic,
    string Route,
    int Attempts,
    HttpStatusCode? LastStatus,
    DeliveryOutcome Outcome,
    string MessageId,
    int BrokerDelivery)
{
    public bool Delivered => Outcome == DeliveryOutcome.Delivered;
}

/// <summary>What the stand-in's pub/sub applies to each delivery.</summary>
/// <param name="Inbound">The component's inbound policy (retry, timeout per attempt), or null for one attempt.</param>
/// <param name="Redelivery">When the broker redelivers a message that was not acknowledged.</param>
/// <param name="TimeScale">Factor applied to every wait (retries, timeouts, processing timeout, redeliver interval).</param>
/// <param name="RedeliveryLimit">Broker deliveries of one message after which the stand-in stops (Redis would go on).</param>
public sealed record PubSubDeliveryOptions(ComponentPolicy? Inbound, RedisStreamsRedelivery Redelivery, double TimeScale, int RedeliveryLimit);

/// <summary>
/// The stand-in's pub/sub: wraps published data in a CloudEvent, finds the subscribers by asking every registered app
/// <c>GET /dapr/subscribe</c> (as daprd does at start) and delivers each message to each subscription in the background,
/// as daprd over Redis Streams does:
/// <list type="bullet">
/// <item>the runtime's handler (dapr <c>pkg/runtime/subscription/subscription.go</c>, <c>postman/http/http.go</c>) POSTs
/// the CloudEvent under the component's inbound policy (retry and timeout per attempt): 2xx with no status or
/// <c>SUCCESS</c> is done; 404 and <c>DROP</c> are dropped; any other answer, <c>RETRY</c>, an unknown status, a failed
/// or timed-out call is retried; a dropped message, or one still refused when the retries are spent, goes to the
/// subscription's <c>deadLetterTopic</c> when it has one (and the handler succeeds), else the handler fails;</item>
/// <item>the broker (components-contrib <c>pubsub/redis/redis.go</c>) gives each handling <c>processingTimeout</c>: a handler
/// that succeeds, or fails within it, is acknowledged; one that fails after it stays pending; and every
/// <c>redeliverInterval</c> a message pending for <c>processingTimeout</c> is delivered again, even while its first
/// handling is still retrying.</item>
/// </list>
/// </summary>
public sealed class FakePubSub(ILogger<FakePubSub> logger, PubSubDeliveryOptions options)
{
    private readonly ConcurrentDictionary<string, HttpClient> apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<IReadOnlyList<Subscription>>> subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PublishedMessage> published = new();
    private readonly ConcurrentQueue<DeliveryRecord> deliveries = new();
    private readonly ConcurrentDictionary<Task, byte> pending = new();
    private readonly SemaphoreSlim changed = new(0);

    private sealed record Subscription(string PubSubName, string Topic, string Route, string? DeadLetterTopic);

    private enum Answer
    {
        Success,
        Drop,
        Retry,
    }

    public IReadOnlyCollection<PublishedMessage> Published => [.. published];

    /// <summary>Every handling of a message, in the order they ended.</summary>
    public IReadOnlyCollection<DeliveryRecord> Deliveries => [.. deliveries];

    /// <summary>Messages the stand-in stopped redelivering after <see cref="PubSubDeliveryOptions.RedeliveryLimit"/> deliveries.</summary>
    public int GaveUp => Volatile.Read(ref gaveUp);

    private int gaveUp;

    /// <summary>Makes an app reachable for deliveries (its subscriptions are read on the next publish).</summary>
    public void RegisterApp(string appId, HttpClient client)
    {
        apps[appId] = client;
        subscriptions.TryRemove(appId, out _);
    }

    internal void Publish(string pubSubName, string topic, ReadOnlyMemory<byte> data, string contentType)
    {
        var cloudEvent = ToCloudEvent(pubSubName, topic, data, contentType);
        published.Enqueue(new PublishedMessage(pubSubName, topic, cloudEvent));
        var delivery = Task.Run(() => DeliverAsync(pubSubName, topic, cloudEvent));
        pending[delivery] = 0;
        _ = delivery.ContinueWith(t => pending.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Waits until a handling matching <paramref name="predicate"/> has ended.</summary>
    public async Task<DeliveryRecord> WaitForDeliveryAsync(Func<DeliveryRecord, bool> predicate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        while (true)
        {
            var match = deliveries.FirstOrDefault(predicate);
            if (match is not null)
            {
                return match;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes when every message published so far has been acknowledged (or given up) by every subscription.</summary>
    public async Task WhenIdleAsync()
    {
        while (!pending.IsEmpty)
        {
            await Task.WhenAll(pending.Keys).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(string pubSubName, string topic, string cloudEvent)
    {
        var messageId = MessageId(cloudEvent);
        var consumers = new List<Task>();
        foreach (var (appId, client) in apps)
        {
            IReadOnlyList<Subscription> subs;
            try
            {
                subs = await subscriptions.GetOrAdd(appId, _ => ReadSubscriptionsAsync(appId, client)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException)
            {
                logger.LogWarning(ex, "Stand-in sidecar could not read the subscriptions of {AppId}", appId);
                subscriptions.TryRemove(appId, out _);
                continue;
            }

            consumers.AddRange(subs.Where(s => s.PubSubName == pubSubName && s.Topic == topic)
                .Select(sub => ConsumeAsync(appId, client, sub, cloudEvent, messageId)));
        }

        await Task.WhenAll(consumers).ConfigureAwait(false);
    }

    /// <summary>One message in one app's consumer group: handled, and redelivered while it stays unacknowledged.</summary>
    private async Task ConsumeAsync(string appId, HttpClient client, Subscription sub, string cloudEvent, string messageId)
    {
        var redelivery = options.Redelivery;
        var processingTimeout = redelivery.ProcessingTimeout * options.TimeScale;
        if (!redelivery.Enabled)
        {
            await HandleAsync(appId, client, sub, cloudEvent, messageId, 1, processingTimeout: null).ConfigureAwait(false);
            return;
        }

        var handlings = new List<Task<bool>>();
        var claimed = Stopwatch.StartNew();
        handlings.Add(HandleAsync(appId, client, sub, cloudEvent, messageId, 1, processingTimeout));

        var tick = Task.Delay(redelivery.RedeliverInterval * options.TimeScale);
        while (!handlings.Any(h => h.IsCompletedSuccessfully && h.Result))
        {
            await Task.WhenAny([tick, .. handlings.Where(h => !h.IsCompleted)]).ConfigureAwait(false);
            if (!tick.IsCompleted || handlings.Any(h => h.IsCompletedSuccessfully && h.Result))
            {
                continue;
            }

            tick = Task.Delay(redelivery.RedeliverInterval * options.TimeScale);
            if (claimed.Elapsed < processingTimeout)
            {
                continue;
            }

            if (handlings.Count >= options.RedeliveryLimit)
            {
                Interlocked.Increment(ref gaveUp);
                logger.LogWarning(
                    "Stand-in sidecar: message {MessageId} to {AppId} {Route} still unacknowledged after {Deliveries} deliveries; the stand-in stops "
                        + "redelivering it",
                    messageId, appId, sub.Route, handlings.Count);
                break;
            }

            // XPENDING shows the message idle for processingTimeout: XCLAIM resets its idle time and hands it over again.
            claimed.Restart();
            handlings.Add(HandleAsync(appId, client, sub, cloudEvent, messageId, handlings.Count + 1, processingTimeout));
        }

        await Task.WhenAll(handlings).ConfigureAwait(false);
    }

    /// <summary>
    /// One handling (redis.go <c>processMessage</c>): the runtime's handler, then the acknowledgement. Returns true when the
    /// message was acknowledged: the handler succeeded, or failed before its <c>processingTimeout</c> context ended
    /// (acknowledged since components-contrib 1.17, #4208); no processing timeout when redelivery is off.
    /// </summary>
    private async Task<bool> HandleAsync(
        string appId, HttpClient client, Subscription sub, string cloudEvent, string messageId, int brokerDelivery, TimeSpan? processingTimeout)
    {
        var started = Stopwatch.StartNew();
        var record = await RunHandlerAsync(appId, client, sub, cloudEvent, messageId, brokerDelivery).ConfigureAwait(false);
        deliveries.Enqueue(record);
        changed.Release();
        return record.Outcome != DeliveryOutcome.Failed || processingTimeout is null || started.Elapsed < processingTimeout;
    }

    /// <summary>The runtime's subscription handler: delivery under the inbound policy, then the dead-letter topic.</summary>
    private async Task<DeliveryRecord> RunHandlerAsync(
        string appId, HttpClient client, Subscription sub, string cloudEvent, string messageId, int brokerDelivery)
    {
        var retry = options.Inbound?.InboundRetry;
        var timeout = options.Inbound?.InboundTimeout * options.TimeScale;
        HttpStatusCode? last = null;
        var attempts = 0;
        for (var retries = 0; ; retries++)
        {
            attempts++;
            (var answer, last) = await AttemptAsync(appId, client, sub, cloudEvent, timeout).ConfigureAwait(false);
            if (answer == Answer.Success)
            {
                return Record(DeliveryOutcome.Delivered);
            }

            if (answer == Answer.Drop)
            {
                logger.LogWarning("Stand-in sidecar: {AppId} dropped message {MessageId} on {Route} ({Status})", appId, messageId, sub.Route, (int?)last);
                return DeadLetterOr(DeliveryOutcome.Dropped);
            }

            if (retry is null || (retry.MaxRetries >= 0 && retries >= retry.MaxRetries))
            {
                logger.LogWarning(
                    "Stand-in sidecar: {AppId} refused message {MessageId} on {Route} {Attempts} times (last {Status})",
                    appId, messageId, sub.Route, attempts, (int?)last);
                return DeadLetterOr(DeliveryOutcome.Failed);
            }

            await Task.Delay(retry.Delay(retries + 1) * options.TimeScale).ConfigureAwait(false);
        }

        DeliveryRecord DeadLetterOr(DeliveryOutcome outcome)
        {
            if (sub.DeadLetterTopic is null)
            {
                return Record(outcome);
            }

            // sendToDeadLetter publishes the message as it was received (the CloudEvent) to the dead-letter topic.
            Publish(sub.PubSubName, sub.DeadLetterTopic, Encoding.UTF8.GetBytes(cloudEvent), "application/cloudevents+json");
            return Record(DeliveryOutcome.DeadLettered);
        }

        DeliveryRecord Record(DeliveryOutcome outcome) =>
            new(appId, sub.PubSubName, sub.Topic, sub.Route, attempts, last, outcome, messageId, brokerDelivery);
    }

    private async Task<(Answer Answer, HttpStatusCode? Status)> AttemptAsync(
        string appId, HttpClient client, Subscription sub, string cloudEvent, TimeSpan? timeout)
    {
        using var deadline = new CancellationTokenSource();
        if (timeout is { } t)
        {
            deadline.CancelAfter(t);
        }

        try
        {
            using var content = new StringContent(cloudEvent, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
            using var response = await client.PostAsync(new Uri(sub.Route, UriKind.Relative), content, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (Answer.Drop, response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.LogDebug("Stand-in sidecar: delivery to {AppId} {Route} answered {Status}", appId, sub.Route, (int)response.StatusCode);
                return (Answer.Retry, response.StatusCode);
            }

            var answer = await ReadStatusAsync(response, deadline.Token).ConfigureAwait(false) switch
            {
                null or "" or "SUCCESS" => Answer.Success,
                "DROP" => Answer.Drop,
                _ => Answer.Retry,
            };
            return (answer, response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            logger.LogDebug(ex, "Stand-in sidecar: delivery to {AppId} {Route} failed", appId, sub.Route);
            return (Answer.Retry, null);
        }
    }

    /// <summary>The <c>status</c> of a 2xx answer (exact, as Go compares it); null when the body is empty or no JSON object.</summary>
    private static async Task<string?> ReadStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject o && o["status"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string MessageId(string cloudEvent)
    {
        try
        {
            return JsonNode.Parse(cloudEvent) is JsonObject o && o["id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private static async Task<IReadOnlyList<Subscription>> ReadSubscriptionsAsync(string appId, HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/dapr/subscribe", UriKind.Relative)).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        var array = JsonNode.Parse(
                await response.Content.ReadAsStringAsync().ConfigureAwait(false),
                new JsonNodeOptions { PropertyNameCaseInsensitive = true }) as JsonArray
            ?? throw new InvalidOperationException($"{appId}: GET /dapr/subscribe did not answer a JSON array");
        var result = new List<Subscription>();
        foreach (var item in array.OfType<JsonObject>())
        {
            var pubsub = (string?)item["pubsubname"];
            var topic = (string?)item["topic"];
            var route = (string?)item["route"] ?? (string?)item["routes"]?["default"];
            var deadLetterTopic = (string?)item["deadLetterTopic"];
            if (item["routes"]?["rules"] is JsonArray { Count: > 0 })
            {
                throw new InvalidOperationException($"{appId}: routing rules on topic '{topic}' are not implemented by the stand-in sidecar");
            }

            if (pubsub is null || topic is null || route is null)
            {
                throw new InvalidOperationException($"{appId}: a subscription lacks pubsubname, topic or route: {item.ToJsonString()}");
            }

            result.Add(
                new Subscription(pubsub, topic, route.StartsWith('/') ? route : "/" + route, string.IsNullOrEmpty(deadLetterTopic) ? null : deadLetterTopic));
        }

        return result;
    }

    private static string ToCloudEvent(string pubSubName, string topic, ReadOnlyMemory<byte> data, string contentType)
    {
        if (contentType.StartsWith("application/cloudevents+json", StringComparison.OrdinalIgnoreCase))
        {
            return Encoding.UTF8.GetString(data.Span);
        }

        JsonNode? payload = contentType.Contains("json", StringComparison.OrdinalIgnoreCase) && !data.IsEmpty
            ? JsonNode.Parse(data.Span)
            : JsonValue.Create(Encoding.UTF8.GetString(data.Span));
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = Guid.NewGuid().ToString(),
            ["source"] = "stand-in-sidecar",
            ["type"] = "com.dapr.event.sent",
            ["datacontenttype"] = string.IsNullOrEmpty(contentType) ? "application/json" : contentType,
            ["pubsubname"] = pubSubName,
            ["topic"] = topic,
            ["time"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["data"] = payload,
        };
        return envelope.ToJsonString();
    }
}
