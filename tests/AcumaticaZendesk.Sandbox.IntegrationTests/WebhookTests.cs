using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Zendesk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

public sealed class WebhookTests
{
    private sealed record Received(string Body, string Signature, string Timestamp, string WebhookId, string UserAgent);

    /// <summary>A webhook receiver on 127.0.0.1 answering POST /hook with the status the handler returns.</summary>
    private static async Task<WebApplication> StartReceiverAsync(Func<HttpContext, string, int> handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = builder.Build();
        receiver.MapPost("/hook", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(ctx.RequestAborted);
            return Results.StatusCode(handle(ctx, body));
        });
        await receiver.StartAsync(TestSandbox.Ct);
        return receiver;
    }

    [Fact]
    public async Task SignerReproducesThePublishedTestVectors()
    {
        var samples = JsonNode.Parse(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "specs", "zendesk-sample-payloads.json"), TestSandbox.Ct))!;
        var secret = samples["webhook_signing"]!["test_secret_used_below"]!.ToString();
        foreach (var sample in samples["webhook_samples"]!.AsArray())
        {
            var headers = sample!["headers"]!;
            Assert.Equal(
                headers["X-Zendesk-Webhook-Signature"]!.ToString(),
                WebhookDispatcher.Sign(secret, headers["X-Zendesk-Webhook-Signature-Timestamp"]!.ToString(), sample["raw_body"]!.ToString()));
        }

        var doc = samples["webhook_signing"]!["doc_discrepancy_vector"]!;
        Assert.Equal(
            doc["signature_timestamp_plus_body"]!.ToString(),
            WebhookDispatcher.Sign(doc["secret"]!.ToString(), doc["timestamp"]!.ToString(), doc["body"]!.ToString()));
    }

    [Fact]
    public async Task EventsAreDeliveredSignedAndRetriedAfterAFailure()
    {
        var received = new ConcurrentQueue<Received>();
        var calls = 0;
        await using var receiver = await StartReceiverAsync((ctx, body) =>
        {
            received.Enqueue(new Received(body, ctx.Request.Headers["X-Zendesk-Webhook-Signature"].ToString(),
                ctx.Request.Headers["X-Zendesk-Webhook-Signature-Timestamp"].ToString(), ctx.Request.Headers["X-Zendesk-Webhook-Id"].ToString(),
                ctx.Request.Headers.UserAgent.ToString()));
            return Interlocked.Increment(ref calls) == 1 ? 500 : 200;
        });
        var hookUrl = receiver.Urls.First() + "/hook";

        await using var sb = await TestSandbox.StartAsync();
        const string secret = "test-signing-secret";
        sb.Control.ConfigureWebhook("demo", hookUrl, secret);
        var settings = sb.Control.GetZendeskSettings("demo");
        settings.WebhookRetryDelay = TimeSpan.FromSeconds(10);
        using var zd = sb.Zendesk();
        var (_, org) = await zd.SendJsonAsync(
            HttpMethod.Post,
            "organizations",
            new JsonObject { ["organization"] = new JsonObject { ["name"] = "Hooked", ["external_id"] = "H1" } });

        await AcumaticaAuthTests.WaitUntilAsync(() => !received.IsEmpty);
        Assert.Single(received);
        // The retry waits on the fake clock; keep nudging it until the dispatcher's timer has fired.
        await AcumaticaAuthTests.WaitUntilAsync(() =>
        {
            sb.Clock.Advance(TimeSpan.FromSeconds(10));
            return received.Count >= 2;
        });
        await AcumaticaAuthTests.WaitUntilAsync(() => sb.Control.PendingWebhooks == 0);

        var all = received.ToArray();
        Assert.Equal(2, all.Length);
        Assert.Equal(all[0].Body, all[1].Body);
        foreach (var r in all)
        {
            var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(r.Timestamp + r.Body)));
            Assert.Equal(expected, r.Signature);
            Assert.Equal("Zendesk Webhook", r.UserAgent);
            Assert.False(string.IsNullOrEmpty(r.WebhookId));
            Assert.True(DateTimeOffset.TryParse(r.Timestamp, out _));
        }

        var envelope = JsonNode.Parse(all[0].Body)!;
        Assert.Equal("zen:event-type:organization.created", envelope["type"]!.ToString());
        Assert.Equal($"zen:organization:{org!["organization"]!["id"]}", envelope["subject"]!.ToString());
        Assert.Equal(org["organization"]!["id"]!.ToString(), envelope["detail"]!["id"]!.GetValue<string>());
        Assert.Equal("H1", envelope["detail"]!["external_id"]!.ToString());
        Assert.Equal("2022-06-20", envelope["zendesk_event_version"]!.ToString());
        Assert.True(Guid.TryParse(envelope["id"]!.ToString(), out _));

        var attempts = sb.Control.WebhookAttempts;
        Assert.Equal([500, 200], attempts.Select(a => a.Status ?? 0));
    }

    [Fact]
    public async Task TicketEventsCarrySequenceMetadataAndDropsCanBeInjected()
    {
        var received = new ConcurrentQueue<string>();
        await using var receiver = await StartReceiverAsync((_, body) =>
        {
            received.Enqueue(body);
            return 200;
        });

        await using var sb = await TestSandbox.StartAsync();
        sb.Control.ConfigureWebhook("demo", receiver.Urls.First() + "/hook", "s");
        var user = sb.Control.CreateUser("demo", new JsonObject { ["name"] = "Req", ["email"] = "req@x.example" });
        var ticket = sb.Control.CreateTicket(
            "demo",
            new JsonObject { ["subject"] = "Help", ["comment"] = new JsonObject { ["body"] = "Please" }, ["requester_id"] = user["id"]!.GetValue<long>() });
        sb.Control.SolveTicket("demo", ticket["id"]!.GetValue<long>(), "Done");
        await AcumaticaAuthTests.WaitUntilAsync(() => received.Count >= 4);

        var types = received.Select(b => JsonNode.Parse(b)!["type"]!.ToString()).ToHashSet();
        Assert.Contains("zen:event-type:user.created", types);
        Assert.Contains("zen:event-type:ticket.created", types);
        Assert.Contains("zen:event-type:ticket.comment_added", types);
        Assert.Contains("zen:event-type:ticket.status_changed", types);
        var status = received.Select(b => JsonNode.Parse(b)!).First(e => e["type"]!.ToString() == "zen:event-type:ticket.status_changed");
        Assert.Equal("SOLVED", status["event"]!["current"]!.ToString());
        Assert.NotNull(status["event"]!["meta"]!["sequence"]!["id"]);
        Assert.Equal(ticket["id"]!.ToString(), status["detail"]!["id"]!.GetValue<string>());

        sb.Control.GetZendeskSettings("demo").WebhookDropRate = 1;
        var before = received.Count;
        sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Dropped" });
        await AcumaticaAuthTests.WaitUntilAsync(() => sb.Control.WebhookAttempts.Any(a => a.Dropped));
        Assert.Contains(sb.Control.WebhookAttempts, a => a.Dropped && a.EventType == "zen:event-type:organization.created");
        Assert.Equal(before, received.Count);
    }

    [Fact]
    public async Task EventsCanBeSentSeveralTimesAndOutOfOrder()
    {
        var received = new ConcurrentQueue<(string EventId, string Body, string Signature, string Timestamp)>();
        await using var receiver = await StartReceiverAsync((ctx, body) =>
        {
            received.Enqueue((JsonNode.Parse(body)!["id"]!.ToString(), body, ctx.Request.Headers["X-Zendesk-Webhook-Signature"].ToString(),
                ctx.Request.Headers["X-Zendesk-Webhook-Signature-Timestamp"].ToString()));
            return 200;
        });

        await using var sb = await TestSandbox.StartAsync();
        const string secret = "copies-secret";
        sb.Control.ConfigureWebhook("demo", receiver.Urls.First() + "/hook", secret);
        var settings = sb.Control.GetZendeskSettings("demo");
        settings.WebhookMinCopies = 2;
        settings.WebhookMaxCopies = 3;
        settings.WebhookMaxDelay = TimeSpan.FromSeconds(20);
        var user = sb.Control.CreateUser("demo", new JsonObject { ["name"] = "Req", ["email"] = "copies@x.example" });
        var ticket = sb.Control.CreateTicket(
            "demo",
            new JsonObject
            {
                ["subject"] = "Help",
                ["comment"] = new JsonObject { ["body"] = "Please" },
                ["requester_id"] = user["id"]!.GetValue<long>()
            })["id"]!.GetValue<long>();
        sb.Control.UpdateTicket("demo", ticket, new JsonObject { ["status"] = "open", ["comment"] = new JsonObject { ["body"] = "Looking" } });
        sb.Control.UpdateTicket("demo", ticket, new JsonObject { ["status"] = "pending", ["comment"] = new JsonObject { ["body"] = "Waiting for you" } });
        sb.Control.SolveTicket("demo", ticket, "Done");

        // Copies wait on the fake clock: advance it a second at a time, letting each second's deliveries land. A copy whose
        // task starts late (a busy machine) sets its timer against a later clock, so keep going until none is pending.
        for (var step = 0; step < 1500 && sb.Control.PendingWebhooks > 0; step++)
        {
            sb.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, TestSandbox.Ct);
            await AcumaticaAuthTests.WaitUntilAsync(() => sb.Control.WebhookAttempts.Count == received.Count);
        }

        await AcumaticaAuthTests.WaitUntilAsync(() => sb.Control.PendingWebhooks == 0);
        Assert.Equal(0, sb.Control.PendingWebhooks);
        var attempts = sb.Control.WebhookAttempts;
        var events = attempts.GroupBy(a => a.EventId).ToList();
        Assert.Equal(8, events.Count); // user created + ticket created + 3 × (comment added, status changed)
        Assert.All(events, e =>
        {
            Assert.InRange(e.Count(), 2, 3);
            Assert.Equal(e.Count(), e.Select(a => a.Copy).Distinct().Count());
            Assert.All(e, a => Assert.Equal(200, a.Status));
        });
        Assert.All(received.GroupBy(r => r.EventId), copies => Assert.Single(copies.Select(c => c.Body).Distinct()));
        Assert.All(received, r => Assert.Equal(WebhookDispatcher.Sign(secret, r.Timestamp, r.Body), r.Signature));

        // Arrival order at the receiver, as emission sequence numbers of the ticket's events: some older event came after a newer one.
        var sequenceOf = attempts.GroupBy(a => a.EventId).ToDictionary(g => g.Key, g => g.First().Sequence);
        var ticketSubject = $"zen:ticket:{ticket}";
        var arrivals = received.Where(r => JsonNode.Parse(r.Body)!["subject"]!.ToString() == ticketSubject).Select(r => sequenceOf[r.EventId]).ToList();
        Assert.Contains(arrivals.Select((s, i) => (s, i)), x => arrivals.Take(x.i).Any(earlier => earlier > x.s));
    }
}
