using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.StandIn;

/// <summary>A message an app published through the stand-in.</summary>
public sealed record PublishedMessage(string PubSubName, string Topic, string CloudEventJson);

/// <summary>One delivery of a published message to a subscribing app route, after its retries.</summary>
public sealed record DeliveryRecord(string AppId, string PubSubName, string Topic, string Route, int Attempts, HttpStatusCode? LastStatus, bool Delivered);

/// <summary>
/// The stand-in's pub/sub: wraps published data in a CloudEvent, finds the subscribers by asking every registered
/// app <c>GET /dapr/subscribe</c> (as daprd does at start), and POSTs to their routes in the background, retrying on
/// non-2xx answers and on <c>{"status":"RETRY"}</c>, dropping on 404 or <c>{"status":"DROP"}</c>, like daprd.
/// </summary>
public sealed class FakePubSub(ILogger<FakePubSub> logger, int maxAttempts, TimeSpan retryDelay)
{
    private readonly ConcurrentDictionary<string, HttpClient> apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<IReadOnlyList<Subscription>>> subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PublishedMessage> published = new();
    private readonly ConcurrentQueue<DeliveryRecord> deliveries = new();
    private readonly ConcurrentDictionary<Task, byte> pending = new();
    private readonly SemaphoreSlim changed = new(0);

    private sealed record Subscription(string PubSubName, string Topic, string Route);

    public IReadOnlyCollection<PublishedMessage> Published => [.. published];

    public IReadOnlyCollection<DeliveryRecord> Deliveries => [.. deliveries];

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

    /// <summary>Waits until a delivery matching <paramref name="predicate"/> has ended (delivered or given up).</summary>
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

    /// <summary>Completes when every delivery started so far has ended.</summary>
    public Task WhenIdleAsync() => Task.WhenAll(pending.Keys);

    private async Task DeliverAsync(string pubSubName, string topic, string cloudEvent)
    {
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

            foreach (var sub in subs.Where(s => s.PubSubName == pubSubName && s.Topic == topic))
            {
                deliveries.Enqueue(await DeliverToRouteAsync(appId, client, sub, cloudEvent).ConfigureAwait(false));
                changed.Release();
            }
        }
    }

    private async Task<DeliveryRecord> DeliverToRouteAsync(string appId, HttpClient client, Subscription sub, string cloudEvent)
    {
        HttpStatusCode? last = null;
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            try
            {
                using var content = new StringContent(cloudEvent, Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
                using var response = await client.PostAsync(new Uri(sub.Route, UriKind.Relative), content).ConfigureAwait(false);
                last = response.StatusCode;
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    logger.LogWarning("Stand-in sidecar: {AppId} answered 404 on {Route}; message dropped", appId, sub.Route);
                    return new DeliveryRecord(appId, sub.PubSubName, sub.Topic, sub.Route, attempt, last, Delivered: false);
                }

                if (response.IsSuccessStatusCode)
                {
                    var status = await ReadStatusAsync(response).ConfigureAwait(false);
                    if (status is null or "SUCCESS")
                    {
                        return new DeliveryRecord(appId, sub.PubSubName, sub.Topic, sub.Route, attempt, last, Delivered: true);
                    }

                    if (status == "DROP")
                    {
                        return new DeliveryRecord(appId, sub.PubSubName, sub.Topic, sub.Route, attempt, last, Delivered: false);
                    }
                }

                logger.LogWarning(
                    "Stand-in sidecar: delivery to {AppId} {Route} answered {Status} (attempt {Attempt} of {Max})",
                    appId, sub.Route, (int)response.StatusCode, attempt, maxAttempts);
            }
            catch (HttpRequestException ex)
            {
                logger.LogWarning(ex, "Stand-in sidecar: delivery to {AppId} {Route} failed (attempt {Attempt} of {Max})", appId, sub.Route, attempt, maxAttempts);
            }

            await Task.Delay(retryDelay * attempt).ConfigureAwait(false);
        }

        return new DeliveryRecord(appId, sub.PubSubName, sub.Topic, sub.Route, maxAttempts, last, Delivered: false);
    }

    private static async Task<string?> ReadStatusAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject o && o["status"] is JsonValue v && v.TryGetValue<string>(out var s)
                ? s.ToUpperInvariant()
                : null;
        }
        catch (JsonException)
        {
            return null;
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
            if (item["routes"]?["rules"] is JsonArray { Count: > 0 })
            {
                throw new InvalidOperationException($"{appId}: routing rules on topic '{topic}' are not implemented by the stand-in sidecar");
            }

            if (pubsub is null || topic is null || route is null)
            {
                throw new InvalidOperationException($"{appId}: a subscription lacks pubsubname, topic or route: {item.ToJsonString()}");
            }

            result.Add(new Subscription(pubsub, topic, route.StartsWith('/') ? route : "/" + route));
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
