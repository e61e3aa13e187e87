using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>One delivery attempt of a webhook event, for inspection.</summary>
public sealed record WebhookAttempt(string EventId, string EventType, string Subdomain, int Attempt, int? Status, bool Dropped, DateTimeOffset At);

/// <summary>
/// Delivers Zendesk webhook events: POST JSON to the account's target with X-Zendesk-Webhook-Signature =
/// base64(HMAC-SHA256(secret as UTF-8, timestamp + raw body)), the RFC 3339 timestamp header, X-Zendesk-Webhook-Id
/// and User-Agent "Zendesk Webhook"; retries non-2xx replies with a linear back-off.
/// </summary>
internal sealed class WebhookDispatcher : IAsyncDisposable
{
    private readonly Channel<(ZdAccount Account, WebhookTarget Target, string Body, string EventId, string Type)> queue =
        Channel.CreateUnbounded<(ZdAccount, WebhookTarget, string, string, string)>();
    private readonly ConcurrentQueue<WebhookAttempt> attempts = new();
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly TimeProvider time;
    private readonly Func<double> random;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int inFlight;

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
        queue.Writer.TryWrite((account, target, ZdAccount.JsonText(envelope), envelope["id"]!.ToString(), envelope["type"]!.ToString()));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync(ct))
            {
                _ = Task.Run(() => DeliverAsync(item.Account, item.Target, item.Body, item.EventId, item.Type, ct), ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DeliverAsync(ZdAccount account, WebhookTarget target, string body, string eventId, string type, CancellationToken ct)
    {
        try
        {
            var settings = account.Settings;
            if (settings.WebhookDropRate > 0 && random() < settings.WebhookDropRate)
            {
                attempts.Enqueue(new WebhookAttempt(eventId, type, account.Subdomain, 0, null, true, time.GetUtcNow()));
                return;
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

                attempts.Enqueue(new WebhookAttempt(eventId, type, account.Subdomain, attempt, status, false, time.GetUtcNow()));
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
}
