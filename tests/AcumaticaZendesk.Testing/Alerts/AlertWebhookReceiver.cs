using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Testing.Alerts;

/// <summary>
/// A local stand-in for a Slack or Teams incoming webhook: an HTTP listener on 127.0.0.1 that keeps every JSON body
/// posted to it and answers with <see cref="Status"/> (Slack answers <c>200 ok</c>).
/// </summary>
public sealed class AlertWebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly Task _loop;

    public AlertWebhookReceiver()
    {
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/services/T0001/B0001/");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Where to post; the path stands for the token part of a real webhook URL.</summary>
    public Uri Url { get; }

    /// <summary>The status requests get once <see cref="Answers"/> is empty.</summary>
    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    /// <summary>Statuses for the next requests, in order (a receiver that fails first, say).</summary>
    public ConcurrentQueue<HttpStatusCode> Answers { get; } = new();

    /// <summary>Bodies for the next answers, in order; once empty, "ok" for a 200 and "invalid_payload" otherwise (Slack's words).</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending GetContextAsync.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                var body = await reader.ReadToEndAsync().ConfigureAwait(false);
                _received.Enqueue(new ReceivedWebhook(context.Request.ContentType, JsonNode.Parse(body)));
            }

            var status = Answers.TryDequeue(out var next) ? next : Status;
            context.Response.StatusCode = (int)status;
            var answer = System.Text.Encoding.UTF8.GetBytes(Bodies.TryDequeue(out var text) ? text : status == HttpStatusCode.OK ? "ok" : "invalid_payload");
            await context.Response.OutputStream.WriteAsync(answer).ConfigureAwait(false);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>One post the receiver got: its content type and JSON body.</summary>
public sealed record ReceivedWebhook(string? ContentType, JsonNode? Body);
