using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// Ticket-flow scenarios (Zendesk → Acumatica activities): each seeds a small tenant, converges the main flow so the
/// organizations carry account codes, points the sandbox account's webhooks at the real receiver, plays tickets through
/// their life (created, opened, pending, solved, a quick follow-up) and ends with <see cref="TicketReconciliation"/>.
/// </summary>
public static class TicketScenarios
{
    private const string SigningSecret = "chaos-webhook-signing-secret";
    private const string ForgedRefused = "forged webhooks refused (401)";
    private const int Tickets = 8;

    /// <summary>How long the webhook path alone gets before a scenario counts what it lost (or fails, when webhooks are all it has).</summary>
    private static readonly TimeSpan WebhookBound = TimeSpan.FromSeconds(30);

    public static ChaosScenario DuplicatedAndReordered { get; } = new(
        "webhooks-duplicated-and-reordered",
        "every ticket webhook sent 2-3 times, each copy delayed 0-3 s (older events arrive after newer ones); forged, tampered and stale webhooks mixed in; "
            + "webhooks only (no export pass)",
        "every linked ticket becomes one activity showing its latest state by webhooks alone within 30 s; every forged webhook is refused with 401 and none "
            + "is published",
        ["dupwh"], DuplicatedAndReorderedAsync)
    {
        Evidence = ["webhook copies", "webhooks reordered", ForgedRefused],
    };

    public static ChaosScenario Lost { get; } = new(
        "webhooks-lost",
        "30% of ticket webhook events never delivered, and none of the customers' follow-up replies (an outage longer than Zendesk's retries); the next run's "
            + "incremental-export pass must catch them",
        "what the webhooks lost is applied by the incremental-export pass of the runs that follow",
        ["lostwh"], LostAsync)
    {
        Evidence = ["webhooks dropped"],
    };

    public static ChaosScenario Faults { get; } = new(
        "ticket-flow-faults",
        "while ticket events are processed: 5% 5xx + 5% dropped connections on every Acumatica call, 15% of Activity answers held back 1.5 s after the "
            + "request was processed (past a 1 s client timeout: a create stored but not seen), and the sync worker killed and restarted once",
        "every linked ticket becomes one activity showing its latest state (webhook workflows retried, else the runs' export pass); no twin from a create the "
            + "client did not see",
        ["tktflt"], FaultsAsync)
    {
        Evidence = ["acumatica 5", "acumatica 499", "acumatica slow", ScenarioContext.WorkerRestarts],
        Configuration = new Dictionary<string, string?> { ["Acumatica:Client:AttemptTimeout"] = "00:00:01" },
    };

    private static async Task<TimeSpan?> DuplicatedAndReorderedAsync(ScenarioContext c, CancellationToken ct)
    {
        const string name = "dupwh";
        if (!await PrepareAsync(c, name, ct))
        {
            return null;
        }

        var settings = c.Control.GetZendeskSettings(name);
        settings.WebhookMinCopies = 2;
        settings.WebhookMaxCopies = 3;
        settings.WebhookMaxDelay = TimeSpan.FromSeconds(3);
        var start = c.Elapsed;
        var tickets = await PlayTicketsAsync(c, name, ct);
        await ForgeAsync(c, name, tickets[0], ct);
        return await AwaitActivitiesAsync(c, name, start, WebhookBound, runs: false, ct);
    }

    private static async Task<TimeSpan?> LostAsync(ScenarioContext c, CancellationToken ct)
    {
        const string name = "lostwh";
        if (!await PrepareAsync(c, name, ct))
        {
            return null;
        }

        var settings = c.Control.GetZendeskSettings(name);
        settings.WebhookDropRate = 0.3;
        var start = c.Elapsed;
        await PlayTicketsAsync(c, name, ct, () => settings.WebhookDropRate = 1.0);
        await AwaitActivitiesAsync(c, name, start, TimeSpan.FromSeconds(6), runs: false, ct);
        var beforeExport = TicketReconciliation.Of(c.Control, name, name);
        c.Note($"activities lost or stale from webhooks alone (before the export pass): {beforeExport.Lost} of {beforeExport.Expected}");
        var converged = await AwaitActivitiesAsync(c, name, start, WebhookBound, runs: true, ct);
        return converged;
    }

    private static async Task<TimeSpan?> FaultsAsync(ScenarioContext c, CancellationToken ct)
    {
        const string name = "tktflt";
        if (!await PrepareAsync(c, name, ct))
        {
            return null;
        }

        c.Control.SetFaults("acumatica", new FaultSettings
        {
            ErrorRate = 0.05,
            ErrorStatusCodes = [500, 502, 503, 504],
            DropRate = 0.05,
            FailNextCount = 1,
            FailNextStatus = 503,
            DropNextCount = 1,
            NextRequestContains = $"GET /acumatica/{name}/entity/",
            SlowRate = 0.15,
            SlowMs = 1_500,
            SlowPathContains = "/Activity",
        });
        var start = c.Elapsed;
        var play = PlayTicketsAsync(c, name, ct);
        await Task.Delay(Random.Shared.Next(1500, 3000), ct);
        await c.RestartWorkerAsync();
        await play;

        // Long enough for one retry of a failed ticket workflow (15 s); a second retry would wait 30 s more.
        var webhooksBound = TimeSpan.FromSeconds(20);
        var converged = await AwaitActivitiesAsync(c, name, start, webhooksBound, runs: false, ct);
        if (converged is null)
        {
            var webhooksOnly = TicketReconciliation.Of(c.Control, name, name);
            c.Note(
                $"activities lost or stale after {webhooksBound.TotalSeconds:F0} s of webhooks alone: {webhooksOnly.Lost} of {webhooksOnly.Expected}; runs "
                    + "(export pass) follow");
            converged = await AwaitActivitiesAsync(c, name, start, WebhookBound * 2, runs: true, ct);
        }

        c.Control.SetFaults("acumatica", new FaultSettings());

        var undelivered = c.Connector.Apps.Sidecar.PubSub.Deliveries.Count(d => d.Topic == DaprNames.Topics.ZendeskTicketEvents && !d.Delivered);
        c.Note($"ticket events pub/sub could not deliver to the worker (down while restarting): {undelivered}");
        return converged;
    }

    /// <summary>Small tenant, main flow converged, webhooks of its account sent to the receiver with the tenant's signing secret.</summary>
    private static async Task<bool> PrepareAsync(ScenarioContext c, string name, CancellationToken ct)
    {
        await c.AddTenantAsync(ScenarioContext.Dataset(name, customers: 4, vendors: 2, customerVendors: 1, tieGroupSize: 5), ct);
        if (!c.Check(await c.ConvergeAsync(name, c.Elapsed, ct) is not null, "the main flow converged (organizations carry account codes)"))
        {
            return false;
        }

        c.Connector.ConnectTicketWebhooks(name, name, SigningSecret);
        return true;
    }

    /// <summary>
    /// <see cref="Tickets"/> tickets on linked organizations (customers and vendors) and two on an organization without an
    /// Acumatica link, then three rounds of changes a little over a second apart (opened with a reply and, for some, a new
    /// subject; pending; solved, once the webhooks of the earlier rounds are delivered). Every other solved ticket gets a
    /// customer's public reply as soon as the activities show the solve (at most 0.7 s later): often within the solve's
    /// second, as a quick follow-up or a trigger does. Returns the linked tickets' ids.
    /// </summary>
    private static async Task<List<long>> PlayTicketsAsync(ScenarioContext c, string name, CancellationToken ct, Action? beforeFollowUps = null)
    {
        var linked = c.Control.Organizations(name).OfType<JsonObject>()
            .Where(o => o["external_id"]?.ToString() is { Length: > 0 } x && !x.Contains(':', StringComparison.Ordinal))
            .Select(o => (long)o["id"]!).ToList();
        var unlinked = (long)c.Control.CreateOrganization(name, new JsonObject { ["name"] = "Walk-in customers (no Acumatica link)" })["id"]!;
        var tickets = new List<(long Id, bool Linked)>();
        for (var i = 0; i < Tickets + 2; i++)
        {
            var isLinked = i < Tickets;
            var organization = isLinked ? linked[i % linked.Count] : unlinked;
            var requester = (long)c.Control.CreateUser(name, new JsonObject
            {
                ["name"] = $"Requester {i}",
                ["email"] = $"requester{i}@{name}.example",
                ["organization_id"] = organization,
            })["id"]!;
            var id = (long)c.Control.CreateTicket(name, new JsonObject
            {
                ["subject"] = $"Case {i}: printer jams",
                ["comment"] = new JsonObject { ["body"] = $"Hello, printer {i} jams on every page.", ["public"] = true },
                ["requester_id"] = requester,
                ["organization_id"] = organization,
            })["id"]!;
            tickets.Add((id, isLinked));
        }

        var changes = tickets.Count;
        for (var round = 1; round <= 3; round++)
        {
            await Task.Delay(1100, ct);
            if (round == 3)
            {
                // The final round meets an idle worker (as most changes do): a lost webhook is not hidden by a backlog
                // whose workflows read the ticket later anyway.
                while (c.Control.PendingWebhooks > 0)
                {
                    await Task.Delay(100, ct);
                }

                await Task.Delay(1500, ct);

                // Start at the top of a second, so the follow-ups below can fall in the solve's second.
                await Task.Delay(1020 - DateTimeOffset.UtcNow.Millisecond, ct);
            }

            foreach (var ((id, _), i) in tickets.Select((t, i) => (t, i)))
            {
                var (status, reply) = round switch
                {
                    1 => ("open", $"Agent: looking into case {i}."),
                    2 => ("pending", $"Agent: please try the new driver for case {i}."),
                    _ => ("solved", $"Agent: fixed case {i}, closing."),
                };
                var change = new JsonObject { ["status"] = status, ["comment"] = new JsonObject { ["body"] = reply, ["public"] = true } };
                if (round == 1 && i % 3 == 0)
                {
                    change["subject"] = $"Case {i}: printer jams (urgent)";
                }

                c.Control.UpdateTicket(name, id, change);
                changes++;
            }
        }

        // Each customer replies as soon as the connector shows the solve (or 0.7 s after the solves): often within the
        // solve's second, so the ticket keeps its whole-second version although its latest public comment changes.
        var solvedAt = c.Elapsed;
        var linkedIds = tickets.Where(t => t.Linked).Select(t => t.Id).ToList();
        var waiting = tickets.Select((t, i) => (t.Id, i)).Where(x => x.i % 2 == 0).ToList();
        var sameSecond = 0;
        while (waiting.Count > 0)
        {
            var late = c.Elapsed - solvedAt >= TimeSpan.FromMilliseconds(700);
            foreach (var (id, i) in waiting.Where(x => late || ActivitiesShow(c, name, [x.Id], "[solved]")).ToList())
            {
                // Set at the first reply, when the solves' own events have long left the sandbox's queue.
                Interlocked.Exchange(ref beforeFollowUps, null)?.Invoke();
                var before = c.Control.Tickets(name).OfType<JsonObject>().Single(t => (long)t["id"]! == id)["updated_at"]!.ToString();
                var after = c.Control.UpdateTicket(
                    name,
                    id,
                    new JsonObject { ["comment"] = new JsonObject { ["body"] = $"Customer: thanks, case {i} works now!", ["public"] = true } })[
                        "updated_at"]!.ToString();
                sameSecond += before == after ? 1 : 0;
                waiting.Remove((id, i));
                changes++;
            }

            await Task.Delay(10, ct);
        }

        c.Note($"follow-up replies in the same second as the solve (same version): {sameSecond}");
        c.Note($"ticket changes made: {changes} on {tickets.Count} tickets ({linkedIds.Count} linked to an account)");
        return linkedIds;
    }

    /// <summary>True when the activity of every ticket named has <paramref name="text"/> in its summary.</summary>
    private static bool ActivitiesShow(ScenarioContext c, string name, List<long> ticketIds, string text)
    {
        var summaries = c.Control.AcumaticaRecords(name, "Activity").OfType<JsonObject>()
            .Select(a => a["Summary"]?["value"]?.ToString() ?? "").ToList();
        return ticketIds.All(
            id => summaries.Any(s => s.StartsWith($"[zendesk-ticket:{name}:{id}]", StringComparison.Ordinal) && s.Contains(text, StringComparison.Ordinal)));
    }

    /// <summary>
    /// Waits until every linked ticket is one activity showing its latest state and no webhook is pending (with
    /// <paramref name="runs"/>, starting runs, whose export pass applies what webhooks missed); null when the bound passes.
    /// </summary>
    private static async Task<TimeSpan?> AwaitActivitiesAsync(ScenarioContext c, string name, TimeSpan since, TimeSpan bound, bool runs, CancellationToken ct)
    {
        var waitFrom = c.Elapsed;
        while (true)
        {
            if (c.Control.PendingWebhooks == 0 && TicketReconciliation.Of(c.Control, name, name).Converged)
            {
                var converged = c.Elapsed - since;

                // Let late copies and workflows still in flight land: the runner's final reconciliation must see them too.
                await Task.Delay(1500, ct);
                return converged;
            }

            if (c.Elapsed - waitFrom > bound)
            {
                return null;
            }

            if (runs)
            {
                await c.RerunAsync(name, ct);
            }

            await Task.Delay(250, ct);
        }
    }

    /// <summary>
    /// Posts forged webhooks for a real ticket (signed with another secret, a genuine signature over a tampered body, a
    /// genuine signature 10 minutes old, no signature): each must be refused (401) and nothing published.
    /// </summary>
    private static async Task<bool> ForgeAsync(ScenarioContext c, string name, long ticketId, CancellationToken ct)
    {
        var http = c.Connector.Apps.WebhookReceiver;
        var url = c.Connector.TicketWebhookUrl(name);
        var now = DateTimeOffset.UtcNow;
        var refused = 0;
        var cases = new (string Case, Func<string, (string Timestamp, string? Signature, string Body)> Sign)[]
        {
            ("another secret", body => (Stamp(now), Sign("not-the-secret", Stamp(now), body), body)),
            ("tampered body", body => (Stamp(now), Sign(SigningSecret, Stamp(now), body), body.Replace("SOLVED", "CLOSED", StringComparison.Ordinal))),
            ("stale timestamp (replay)", body => (Stamp(now.AddMinutes(-10)), Sign(SigningSecret, Stamp(now.AddMinutes(-10)), body), body)),
            ("no signature", body => (Stamp(now), null, body)),
        };
        foreach (var (kind, sign) in cases)
        {
            var eventId = $"forged-{Guid.NewGuid():N}";
            var (timestamp, signature, body) = sign(Envelope(eventId, ticketId, now));
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Zendesk-Webhook-Signature-Timestamp", timestamp);
            if (signature is not null)
            {
                request.Headers.Add("X-Zendesk-Webhook-Signature", signature);
            }

            using var response = await http.SendAsync(request, ct);
            if (c.Check(response.StatusCode == HttpStatusCode.Unauthorized, $"forged webhook ({kind}) refused with 401 (was {(int)response.StatusCode})"))
            {
                refused++;
            }
        }

        c.Injected(ForgedRefused, refused);
        var published = c.Connector.Apps.Sidecar.PubSub.Published.Count(p => p.CloudEventJson.Contains("forged-", StringComparison.Ordinal));
        return c.Check(published == 0, $"no forged webhook published ({published})") && refused == cases.Length;
    }

    /// <summary>Zendesk's webhook signature: base64(HMAC-SHA256(secret, timestamp + body)).</summary>
    private static string Sign(string secret, string timestamp, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + body)));

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Envelope(string eventId, long ticketId, DateTimeOffset at) => new JsonObject
    {
        ["type"] = "zen:event-type:ticket.status_changed",
        ["account_id"] = 10_973_248,
        ["id"] = eventId,
        ["time"] = Stamp(at),
        ["zendesk_event_version"] = "2022-11-06",
        ["subject"] = $"zen:ticket:{ticketId}",
        ["detail"] = new JsonObject
        {
            ["id"] = ticketId.ToString(CultureInfo.InvariantCulture),
            ["subject"] = "Forged: refund approved",
            ["status"] = "SOLVED",
            ["updated_at"] = Stamp(at.AddHours(1)),
        },
        ["event"] = new JsonObject { ["current"] = "SOLVED", ["previous"] = "OPEN" },
    }.ToJsonString();
}
