using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>One delivery attempt of a webhook event, for inspection.</summary>
/// <param name="Subject">The event's subject, e.g. <c>zen:ticket:1001</c>.</param>
/// <param name="Sequence">Order in which the account emitted the event (1, 2, …): a lower number arriving after a higher one of the same subject was delivered
/// out of order.</param>
/// <param name="Copy">Which copy of the event (1 = the first; more with <see cref="ZendeskSettings.WebhookMaxCopies"/>).</param>
public sealed record WebhookAttempt(
    string EventId, string EventType, string Subdomain, int Attempt, int? Status, bool Dropped, DateTimeOffset At,
    string? Subject = null, long Sequence = 0, int Copy = 1);

/// <summary>
/// Delivers Zendesk webhook events: POST JSON to the account's target with X-Zendesk-Webhook-Signature =
/// base64(HMAC-SHA256(secret as UTF-8, timestamp + raw body)), the RFC 3339 timestamp header, X-Zendesk-Webhook-Id
/// and User-Agent "Zendesk Webhook"; retries non-2xx replies with a linear back-off. Knobs of the account's
/// <see cref="ZendeskSettings"/> drop events, send copies of them and delay each copy by a random time (out of order).
/// </summary>
internal sealed class WebhookDispatcher : IAsyncDisposable
{
    private readonly Channel<QueuedEvent> queue = Channel.CreateUnbounded<QueuedEvent>();
    private readonly ConcurrentQueue<WebhookAttempt> attempts = new();
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(30)
    };
    private readonly TimeProvider time;
    private readonly Func<double> random;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int inFlight;
    private long sequence;

    public WebhookDispatcher(TimeProvider time, Func<double> random)
    {
        this.time = time;
        this.random = random;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    public IReadOnlyList<WebhookAttempt> Attempts => [.. attempts];

    /// <summary>Events accepted but not yet finally delivered or given up.</summary>
    public int Pending => Volatile.Read(ref inFlight);

    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + body)));

    public void Enqueue(ZdAccount account, JsonObject envelope)
    {
        if (account.Webhook is not { } target)
        {
            return;
        }

        Interlocked.Increment(ref inFlight);
        queue.Writer.TryWrite(new QueuedEvent(
            account, target, ZdAccount.JsonText(envelope), envelope["id"]!.ToString(), envelope["type"]!.ToString(),
            envelope["subject"]?.ToString(), Interlocked.Increment(ref sequence)));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync(ct))
            {
                var settings = item.Account.Settings;
                if (settings.WebhookDropRate > 0 && random() < settings.WebhookDropRate)
                {
                    attempts.Enqueue(
                        new WebhookAttempt(item.EventId, item.Type, item.Account.Subdomain, 0, null, true, time.GetUtcNow(), item.Subject, item.Sequence));
                    Interlocked.Decrement(ref inFlight);
                    continue;
                }

                var min = Math.Max(1, settings.WebhookMinCopies);
                var copies = min + (int)(random() * (Math.Max(min, settings.WebhookMaxCopies) - min + 1));
                Interlocked.Add(ref inFlight, copies - 1);
                for (var copy = 1; copy <= copies; copy++)
                {
                    var delay = TimeSpan.FromTicks((long)(random() * Math.Max(0, settings.WebhookMaxDelay.Ticks)));
                    var n = copy;
                    _ = Task.Run(() => DeliverAsync(item, n, delay, ct), ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DeliverAsync(QueuedEvent item, int copy, TimeSpan delay, CancellationToken ct)
    {
        var (account, target, body, eventId, type, _, _) = item;
        try
        {
            var settings = account.Settings;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, ct);
            }

            for (var attempt = 1; attempt <= Math.Max(1, settings.WebhookMaxAttempts); attempt++)
            {
                int? status = null;
                try
                {
                    var timestamp = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
                    {
                        Content = new StringContent(body, Encoding.UTF8, "application/json"),
                    };
                    request.Headers.TryAddWithoutValidation("User-Agent", "Zendesk Webhook");
                    request.Headers.Add("X-Zendesk-Webhook-Id", target.WebhookId);
                    request.Headers.Add("X-Zendesk-Webhook-Invocation-Id", eventId);
                    request.Headers.Add("X-Zendesk-Webhook-Signature-Timestamp", timestamp);
                    request.Headers.Add("X-Zendesk-Webhook-Signature", Sign(target.Secret, timestamp, body));
                    using var response = await http.SendAsync(request, ct);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = null;
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                    status = null;
                }

                attempts.Enqueue(
                    new WebhookAttempt(eventId, type, account.Subdomain, attempt, status, false, time.GetUtcNow(), item.Subject, item.Sequence, copy));
                if (status is >= 200 and < 300)
                {
                    return;
                }

                if (attempt < settings.WebhookMaxAttempts)
                {
                    await Task.Delay(settings.WebhookRetryDelay * attempt, time, ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    public void ClearLog() => attempts.Clear();

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await stop.CancelAsync();
        await loop;
        http.Dispose();
        stop.Dispose();
    }

    private sealed record QueuedEvent(ZdAccount Account, WebhookTarget Target, string Body, string EventId, string Type, string? Subject, long Sequence);
}
