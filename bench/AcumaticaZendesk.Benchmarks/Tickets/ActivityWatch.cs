using System.Globalization;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Benchmarks.Tickets;

/// <summary>
/// Watches the sandbox instance's activities for the ticket events added to it: every <see cref="PollInterval"/> it
/// reads them and, for an event its ticket's activity now shows, keeps that activity's <c>LastModifiedDateTime</c> — the
/// sandbox's own millisecond timestamp of the write — so the poll interval bounds only when an event is seen, not its time.
/// </summary>
internal sealed class ActivityWatch : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly SandboxControl control;
    private readonly string instance;
    private readonly string subdomain;
    private readonly List<TicketEvent> pending = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public ActivityWatch(SandboxControl control, string instance, string subdomain)
    {
        this.control = control;
        this.instance = instance;
        this.subdomain = subdomain;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    public int Pending
    {
        get
        {
            lock (pending)
                return pending.Count;
        }
    }

    public void Add(TicketEvent ticketEvent)
    {
        lock (pending)
            pending.Add(ticketEvent);
    }

    /// <summary>Waits until every event added was shown or <paramref name="bound"/> passed; returns how many were not.</summary>
    public async Task<int> AwaitAllAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var until = DateTimeOffset.UtcNow + bound;
        while (Pending > 0 && DateTimeOffset.UtcNow < until)
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        return Pending;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (Pending > 0)
                    Poll();
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Poll()
    {
        List<TicketEvent> open;
        lock (pending)
            open = [.. pending];

        // Each activity's summary starts with its ticket's marker "[zendesk-ticket:{subdomain}:{id}]".
        var shown = new Dictionary<string, (string Body, DateTimeOffset At)>(StringComparer.Ordinal);
        foreach (var activity in control.AcumaticaRecords(instance, "Activity").OfType<JsonObject>())
        {
            var summary = Value(activity, "Summary") ?? "";
            var end = summary.IndexOf(']', StringComparison.Ordinal);
            if (end > 0 && Value(activity, "LastModifiedDateTime") is { } modified)
                shown[summary[..(end + 1)]] = (Value(activity, "Body") ?? "", DateTimeOffset.Parse(modified, CultureInfo.InvariantCulture));
        }

        foreach (var ticket in open.GroupBy(e => e.TicketId))
        {
            if (!shown.TryGetValue(string.Create(CultureInfo.InvariantCulture, $"[zendesk-ticket:{subdomain}:{ticket.Key}]"), out var activity))
                continue;
            var hit = ticket.LastOrDefault(e => activity.Body.Contains(e.Marker, StringComparison.Ordinal));
            if (hit is null)
                continue;
            foreach (var reached in ticket.Where(e => e.Number <= hit.Number))
            {
                reached.ShownAt = activity.At;
                reached.Superseded = reached != hit;
                lock (pending)
                    pending.Remove(reached);
            }
        }
    }

    private static string? Value(JsonObject record, string field) => record[field] is JsonObject o ? o["value"]?.ToString() : record[field]?.ToString();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        stop.Dispose();
    }
}
