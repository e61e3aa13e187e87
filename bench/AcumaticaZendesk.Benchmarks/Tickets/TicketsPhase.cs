using System.Globalization;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.Testing;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Benchmarks.Tickets;

/// <summary>
/// The ticket flow on the whole product (<see cref="SandboxedConnector"/>: sandbox, real webhook receiver and sync worker
/// on the stand-in sidecar). A small tenant is converged (organizations carry account codes), its Zendesk account's
/// webhooks go to the receiver, tickets are opened on its linked organizations; then, measured: <see cref="Events"/>
/// ticket changes at a steady rate (default <see cref="DefaultEventsPerSecond"/>), one change on every ticket at once (burst), and one
/// change on every ticket while every webhook is dropped, caught up by a run's incremental-export pass.
/// </summary>
internal sealed class TicketsPhase(int events, double eventsPerSecond, TextWriter progress)
{
    public const string Tenant = "tickets";

    /// <summary>A busy account's rate: 2 changes a second is 7,200 an hour.</summary>
    public const double DefaultEventsPerSecond = 2;

    private const string SigningSecret = "bench-webhook-signing-secret";

    /// <summary>At most this many tickets: even at 5 changes/s each ticket changes every 10 s, well apart from its last change.</summary>
    private const int MaxTickets = 50;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private int number;

    public int Events => events;

    public async Task<TicketsRun> RunAsync(CancellationToken cancellationToken)
    {
        await using var connector = await StartConnectorAsync(cancellationToken).ConfigureAwait(false);
        var control = connector.Control;
        var tickets = await PrepareAsync(connector, Math.Clamp(events, 1, MaxTickets), cancellationToken).ConfigureAwait(false);
        await using var watch = new ActivityWatch(control, Tenant, Tenant);

        progress.WriteLine($"tickets: {events} changes at {eventsPerSecond}/s on {tickets.Count} tickets (webhook -> activity) ...");
        var refusedBefore = Refused(control);
        var requestsBefore = ZendeskRequests(control);
        var steady = await PlayAsync(control, watch, Enumerable.Range(0, events).Select(i => tickets[i % tickets.Count]), eventsPerSecond, cancellationToken)
            .ConfigureAwait(false);
        var unreached = await watch.AwaitAllAsync(Bound, cancellationToken).ConfigureAwait(false);
        var refused = Refused(control) - refusedBefore;
        var requestsPerChange = (double)(ZendeskRequests(control) - requestsBefore) / events;
        var answered = WebhookAnsweredMs(control, steady);
        var scheduled = await WorkflowCreatedMsAsync(connector, steady, cancellationToken).ConfigureAwait(false);

        progress.WriteLine($"tickets: burst of {tickets.Count} changes at once ...");
        var burst = await PlayAsync(control, watch, tickets, rate: null, cancellationToken).ConfigureAwait(false);
        unreached += await watch.AwaitAllAsync(Bound, cancellationToken).ConfigureAwait(false);

        progress.WriteLine($"tickets: webhook outage, {tickets.Count} changes lost, then a run's export pass ...");
        var (lost, catchUp, runSeconds, lostUnreached) = await OutageAsync(connector, watch, tickets, cancellationToken).ConfigureAwait(false);

        await AwaitQuietAsync(control, cancellationToken).ConfigureAwait(false);
        var converged = TicketReconciliation.Of(control, Tenant, Tenant);
        var latency = LatencyFigures.Of([.. steady.Where(e => e.ShownAt is not null).Select(e => e.LatencyMs)]);
        var interval = connector.WorkerServices.GetRequiredService<IOptions<SyncScheduleOptions>>().Value.Interval;
        return new TicketsRun(
            latency.Events,
            latency.P50Ms,
            latency.P95Ms,
            latency.MaxMs,
            eventsPerSecond,
            tickets.Count,
            unreached,
            steady.Concat(burst).Count(e => e.Superseded),
            refused,
            requestsPerChange,
            answered.Count == 0 ? double.NaN : LatencyFigures.Percentile([.. answered.Order()], 50),
            LatencyFigures.Of(scheduled),
            LatencyFigures.Of([.. burst.Where(e => e.ShownAt is not null).Select(e => e.LatencyMs)]),
            lost,
            catchUp,
            runSeconds,
            lostUnreached,
            interval.TotalMinutes,
            converged.Converged && converged.Expected == tickets.Count);
    }

    /// <summary>
    /// The in-process app hosts find their content roots from <c>MvcTestingAppManifest.json</c> in the current directory
    /// (as <c>make chaos</c> runs from the output folder), so they start from there; the bench's own paths stay as given.
    /// </summary>
    private static async Task<SandboxedConnector> StartConnectorAsync(CancellationToken cancellationToken)
    {
        var directory = Environment.CurrentDirectory;
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        try
        {
            return await SandboxedConnector.StartAsync(
                new SandboxedConnectorOptions
                {
                    Configuration = new Dictionary<string, string?>
                    {
                        ["Serilog:MinimumLevel:Default"] = Environment.GetEnvironmentVariable("BENCH_LOG_LEVEL") ?? "Error",
                    },
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.SetCurrentDirectory(directory);
        }
    }

    /// <summary>Seeds and converges a small tenant, connects its webhooks and opens one ticket per slot on its linked organizations.</summary>
    private async Task<List<long>> PrepareAsync(SandboxedConnector connector, int count, CancellationToken cancellationToken)
    {
        var spec = new SeedSpec
        {
            Instance = Tenant,
            Subdomain = Tenant,
            Customers = 20,
            Vendors = 5,
            CustomerVendors = 2,
            ContactsPerAccount = 1,
            Employees = 1,
        };
        var tenant = connector.SeedTenant(Tenant, spec);
        await connector.SaveTenantAsync(tenant, cancellationToken).ConfigureAwait(false);
        progress.WriteLine("tickets: converging the tenant's main flow (organizations carry account codes) ...");
        await connector.RunSyncAsync(Tenant, Bound, cancellationToken).ConfigureAwait(false);
        var control = connector.Control;
        var linked = control.Organizations(Tenant).OfType<JsonObject>()
            .Where(o => o["external_id"]?.ToString() is { Length: > 0 } x && !x.Contains(':', StringComparison.Ordinal))
            .Select(o => (long)o["id"]!).ToList();
        if (linked.Count == 0)
            throw new InvalidOperationException("tickets: no organization carries an account code after the tenant's first run");

        connector.ConnectTicketWebhooks(Tenant, Tenant, SigningSecret);
        var tickets = Enumerable.Range(0, count)
            .Select(i => control.OpenTicket(Tenant, linked[i % linked.Count], string.Create(CultureInfo.InvariantCulture, $"Bench case {i}: printer jams")))
            .ToList();

        // Not measured: the tickets' first activities (and the worker's first ticket workflows, JIT included).
        var until = DateTimeOffset.UtcNow + Bound;
        while (!TicketReconciliation.Of(control, Tenant, Tenant).Converged)
        {
            if (DateTimeOffset.UtcNow > until)
                throw new InvalidOperationException("tickets: the opened tickets did not all become activities by webhook");
            await Task.Delay(ActivityWatch.PollInterval, cancellationToken).ConfigureAwait(false);
        }

        await AwaitQuietAsync(control, cancellationToken).ConfigureAwait(false);
        return tickets;
    }

    /// <summary>
    /// One change per ticket named (a public comment carrying the event's marker and a status open/pending), at
    /// <paramref name="rate"/> per second on a fixed schedule, or all at once when null.
    /// </summary>
    private async Task<List<TicketEvent>> PlayAsync(
        SandboxControl control, ActivityWatch? watch, IEnumerable<long> tickets, double? rate, CancellationToken cancellationToken)
    {
        var played = new List<TicketEvent>();
        var start = DateTimeOffset.UtcNow;
        foreach (var ticket in tickets)
        {
            if (rate is { } perSecond && start + TimeSpan.FromSeconds(played.Count / perSecond) - DateTimeOffset.UtcNow is { Ticks: > 0 } wait)
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            var n = ++number;
            var marker = string.Create(CultureInfo.InvariantCulture, $"[bench-event-{n:D6}]");
            var change = new JsonObject
            {
                ["status"] = n % 2 == 0 ? "pending" : "open",
                ["comment"] = new JsonObject { ["body"] = $"Agent: update {marker} on this case.", ["public"] = true },
            };
            var ticketEvent = new TicketEvent(n, ticket, marker, DateTimeOffset.UtcNow);
            ticketEvent.Version = DateTimeOffset.Parse(control.UpdateTicket(Tenant, ticket, change)["updated_at"]!.ToString(), CultureInfo.InvariantCulture);
            watch?.Add(ticketEvent);
            played.Add(ticketEvent);
        }

        return played;
    }

    /// <summary>
    /// Every webhook dropped (an outage longer than Zendesk's retries) while each ticket changes once; once none of them
    /// reached Acumatica, a run is started as the cron tick starts one, and its export pass must apply them all.
    /// </summary>
    private async Task<(int Lost, double? CatchUpSeconds, double? RunSeconds, int Unreached)> OutageAsync(
        SandboxedConnector connector, ActivityWatch watch, List<long> tickets, CancellationToken cancellationToken)
    {
        var control = connector.Control;
        var settings = control.GetZendeskSettings(Tenant);
        settings.WebhookDropRate = 1.0;
        var lost = await PlayAsync(control, null, tickets, eventsPerSecond, cancellationToken).ConfigureAwait(false);
        await AwaitQuietAsync(control, cancellationToken).ConfigureAwait(false);
        settings.WebhookDropRate = 0;
        foreach (var e in lost)
            watch.Add(e);

        // Anything shown already did not need the safety net (with every webhook dropped, nothing should be).
        await Task.Delay(ActivityWatch.PollInterval * 4, cancellationToken).ConfigureAwait(false);
        var missing = lost.Where(e => e.ShownAt is null).ToList();
        var start = DateTimeOffset.UtcNow;
        var instanceId = await connector.StartRunAsync(Tenant, cancellationToken).ConfigureAwait(false);
        await connector.WaitForRunAsync(instanceId, Bound, cancellationToken).ConfigureAwait(false);
        var runSeconds = (DateTimeOffset.UtcNow - start).TotalSeconds;
        var unreached = await watch.AwaitAllAsync(Bound, cancellationToken).ConfigureAwait(false);
        double? catchUp = missing.Count > 0 && unreached == 0 ? missing.Max(e => (e.ShownAt!.Value - start).TotalSeconds) : null;
        return (missing.Count, catchUp, runSeconds, unreached);
    }

    /// <summary>Ticket changed → the receiver answered its first webhook (2xx), from the sandbox's delivery log.</summary>
    private static List<double> WebhookAnsweredMs(SandboxControl control, List<TicketEvent> played)
    {
        var answered = control.WebhookAttempts.Where(a => a is { Dropped: false, Status: >= 200 and < 300 }).ToLookup(a => a.Subject);
        return [.. played
            .Select(e => answered[$"zen:ticket:{e.TicketId}"].Where(a => a.At >= e.ChangedAt).Select(a => (a.At - e.ChangedAt).TotalMilliseconds)
                .DefaultIfEmpty(double.NaN).Min())
            .Where(ms => !double.IsNaN(ms))];
    }

    /// <summary>Ticket changed → its <c>TicketContextWorkflow</c> instance created (the workflow engine's own timestamp).</summary>
    private static async Task<List<double>> WorkflowCreatedMsAsync(SandboxedConnector connector, List<TicketEvent> played, CancellationToken cancellationToken)
    {
        var workflows = connector.WorkerServices.GetRequiredService<IDaprWorkflowClient>();
        var created = new List<double>();
        foreach (var e in played)
        {
            var instanceId = string.Create(CultureInfo.InvariantCulture, $"ticket-{Tenant}-{e.TicketId}-{e.Version.UtcDateTime:yyyyMMddHHmmss}");
            var state = await workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
            if (state is { Exists: true })
                created.Add((state.CreatedAt - e.ChangedAt).TotalMilliseconds);
        }

        return created;
    }

    /// <summary>Requests the sandbox's Zendesk refused for its rate limit (429) so far.</summary>
    private static long Refused(SandboxControl control) => control.Requests.StatusCounts().GetValueOrDefault("zendesk 429");

    /// <summary>Requests the sandbox's Zendesk answered so far (any status; token requests included).</summary>
    private static long ZendeskRequests(SandboxControl control) =>
        control.Requests.StatusCounts().Where(s => s.Key.StartsWith("zendesk ", StringComparison.Ordinal)).Sum(s => s.Value);

    /// <summary>Until the sandbox has no webhook left to deliver (then a moment for the workflows they started).</summary>
    private static async Task AwaitQuietAsync(SandboxControl control, CancellationToken cancellationToken)
    {
        while (control.PendingWebhooks > 0)
            await Task.Delay(ActivityWatch.PollInterval, cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
    }
}
