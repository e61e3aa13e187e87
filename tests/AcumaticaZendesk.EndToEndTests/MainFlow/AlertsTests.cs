using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Testing.Alerts;
using netDumbster.smtp;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>
/// Alerts through the real sync worker, its run completion and the sandbox: a tenant whose Acumatica user loses its
/// password alerts a local webhook receiver (the JSON a Slack incoming webhook takes) and a local SMTP server, once per
/// condition, with a link into the console; the alerts are sent again only when their condition has cleared and come back.
/// </summary>
public sealed class AlertsTests : MainFlowTestBase, IDisposable
{
    private static readonly int WorkerPort = FreePort();
    private static readonly string PublicBaseUrl = $"http://127.0.0.1:{WorkerPort}";
    private const string WebhookSecret = "tenants:alerted:alerts:webhook-url";
    private const string QueueWebhookSecret = "tenants:queued:alerts:webhook-url";

    private readonly AlertWebhookReceiver _webhook = new();
    private readonly SimpleSmtpServer _smtp = Configuration.Configure().WithAddress(System.Net.IPAddress.Loopback).WithRandomPort().Build();

    protected override int SyncWorkerPort => WorkerPort;

    protected override IReadOnlyDictionary<string, string?> ExtraConfiguration => new Dictionary<string, string?>
    {
        ["Operator:PublicBaseUrl"] = PublicBaseUrl,
        ["Alerts:Delivery:RetryDelay"] = "00:00:00.050",
    };

    public void Dispose()
    {
        _webhook.Dispose();
        _smtp.Dispose();
    }

    [Fact]
    public async Task A_broken_tenant_alerts_webhook_and_email_once_per_condition_with_a_link_into_the_console()
    {
        Connector.SetSecret(WebhookSecret, _webhook.Url.ToString());
        await AddTenantAsync(SmallSeed("alerted"), t => t with
        {
            Alerts = new AlertSettings
            {
                Webhook = new WebhookAlertChannel { UrlSecret = WebhookSecret },
                Email = new EmailAlertChannel
                {
                    SmtpHost = "127.0.0.1",
                    SmtpPort = _smtp.Configuration.Port,
                    Security = SmtpSecurity.None,
                    From = "connector@example.com",
                    To = ["ops@example.com", "oncall@example.com"],
                },
            },
        });
        var link = $"{PublicBaseUrl}/console/tenants/alerted";

        await RunAsync("alerted");
        Assert.Empty(_webhook.Received);
        Assert.Equal(0, _smtp.ReceivedEmailCount);

        // The integration user's password changes: the run fails and the tenant waits for a new authorization.
        BreakAcumaticaSignIn();
        await RunAsync("alerted");
        var titles = _webhook.Received.Select(p => (string)p.Body!["blocks"]![0]!["text"]!["text"]!).ToArray();
        Assert.Equal(2, titles.Length);
        Assert.Contains("Tenant alerted: Acumatica needs a new authorization", titles);
        Assert.Contains(titles, t => t.StartsWith("Tenant alerted: Run ", StringComparison.Ordinal) && t.EndsWith(" failed", StringComparison.Ordinal));
        foreach (var post in _webhook.Received)
        {
            AssertSlackMessage(post, link);
        }

        var mails = _smtp.ReceivedEmail;
        Assert.Equal(2, mails.Length);
        Assert.All(mails, m =>
        {
            Assert.StartsWith("[AcumaticaZendesk] Tenant alerted: ", m.Subject, StringComparison.Ordinal);
            Assert.Equal(["ops@example.com", "oncall@example.com"], m.ToAddresses.Select(a => a.Address));
            Assert.Contains($"Open the tenant in the console: {link}", m.MessageParts[0].BodyData, StringComparison.Ordinal);
        });

        // Still waiting for authorization: nothing new is sent (the run skips the tenant and ends completed, which
        // closes run-failed; needs-authorization stays open and is not repeated).
        await RunAsync("alerted");
        Assert.Equal(2, _webhook.Received.Count);
        Assert.Equal(2, _smtp.ReceivedEmailCount);

        // Fixed and run: every condition clears. Broken again: both alerts come back.
        Control.AddAcumaticaUser("alerted", DemoCredentials.AcumaticaUser, DemoCredentials.AcumaticaPassword);
        await Service<TenantRepository>().ClearNeedsAuthorizationAsync("alerted", Token);
        await RunAsync("alerted");
        var ledger = await Service<AlertLedger>().GetAsync("alerted", Token);
        Assert.Empty(ledger.Open);
        Assert.Equal(2, _webhook.Received.Count);

        BreakAcumaticaSignIn();
        await RunAsync("alerted");
        Assert.Equal(4, _webhook.Received.Count);
        Assert.Equal(4, _smtp.ReceivedEmailCount);
        ledger = await Service<AlertLedger>().GetAsync("alerted", Token);
        Assert.Equal(4, ledger.Recent.Count);
        Assert.All(ledger.Recent, a => Assert.Equal(["webhook", "email"], a.Outcomes.Where(o => o.Delivered).Select(o => o.Channel)));
    }

    [Fact]
    public async Task A_replay_queue_over_the_threshold_alerts_once_closes_when_it_shrinks_and_comes_back_when_it_grows()
    {
        Connector.SetSecret(QueueWebhookSecret, _webhook.Url.ToString());
        await AddTenantAsync(SmallSeed("queued"), t => t with
        {
            Alerts = new AlertSettings
            {
                Webhook = new WebhookAlertChannel { UrlSecret = QueueWebhookSecret },
                Triggers = new AlertTriggers { ReplayQueueOver = 2 },
            },
        });
        var link = $"{PublicBaseUrl}/console/tenants/queued";
        var customers = Control.AcumaticaRecords("queued", "Customer").Select(c => (string)c!["CustomerID"]!["value"]!).Order(StringComparer.Ordinal).ToArray();

        // Three customers Acumatica answers unreadable: three records wait for replay, more than 2.
        foreach (var key in customers[..3])
        {
            Control.BreakAcumaticaRecord("queued", "Customer", key, AcumaticaRecordFault.WrongType);
        }

        await RunAsync("queued");
        Assert.Equal(3, (await Service<FailedRecordQueue>().ListAsync("queued", Token)).Count);
        var post = Assert.Single(_webhook.Received);
        Assert.Equal("Tenant queued: 3 records wait in the replay queue", (string)post.Body!["blocks"]![0]!["text"]!["text"]!);
        AssertSlackMessage(post, link);

        // The next run replays them, they fail again: the queue still holds 3 and nothing new is sent.
        await RunAsync("queued");
        Assert.Equal(3, (await Service<FailedRecordQueue>().ListAsync("queued", Token)).Count);
        Assert.Single(_webhook.Received);

        // Two are readable again: the next run's replay leaves 1, the alert closes, nothing is sent.
        Control.FixAcumaticaRecord("queued", "Customer", customers[0]);
        Control.FixAcumaticaRecord("queued", "Customer", customers[1]);
        await RunAsync("queued");
        Assert.Single(await Service<FailedRecordQueue>().ListAsync("queued", Token));
        Assert.DoesNotContain((await Service<AlertLedger>().GetAsync("queued", Token)).Open, a => a.Kind == AlertKind.ReplayQueue);
        Assert.Single(_webhook.Received);

        // Two more customers change and are unreadable: 3 wait again and the alert is sent again.
        foreach (var key in customers[3..5])
        {
            Control.RenameAccount("queued", key, $"{key} renamed");
            Control.BreakAcumaticaRecord("queued", "Customer", key, AcumaticaRecordFault.WrongType);
        }

        await RunAsync("queued");
        Assert.Equal(3, (await Service<FailedRecordQueue>().ListAsync("queued", Token)).Count);
        Assert.Equal(2, _webhook.Received.Count);
        Assert.Equal("Tenant queued: 3 records wait in the replay queue", (string)_webhook.Received[^1].Body!["blocks"]![0]!["text"]!["text"]!);
        var ledger = await Service<AlertLedger>().GetAsync("queued", Token);
        Assert.Equal([AlertKind.ReplayQueue, AlertKind.ReplayQueue], ledger.Recent.Select(a => a.Kind));
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private void BreakAcumaticaSignIn()
    {
        Control.AddAcumaticaUser("alerted", DemoCredentials.AcumaticaUser, "changed-by-someone-else");
        Control.RevokeAcumaticaTokens("alerted", accessTokensToo: true);
    }

    /// <summary>What a Slack incoming webhook takes: <c>text</c> plus Block Kit blocks, the button linking to the console.</summary>
    private static void AssertSlackMessage(ReceivedWebhook post, string link)
    {
        Assert.StartsWith("application/json", post.ContentType, StringComparison.Ordinal);
        var body = post.Body!.AsObject();
        Assert.Equal(["text", "blocks"], body.Select(p => p.Key));
        Assert.Contains($"<{link}|", (string)body["text"]!, StringComparison.Ordinal);
        var blocks = body["blocks"]!.AsArray();
        Assert.Equal(["header", "section", "context", "actions"], blocks.Select(b => (string)b!["type"]!));
        Assert.Equal("plain_text", (string)blocks[0]!["text"]!["type"]!);
        Assert.Equal("mrkdwn", (string)blocks[1]!["text"]!["type"]!);
        var button = blocks[3]!["elements"]![0]!;
        Assert.Equal("button", (string)button["type"]!);
        Assert.Equal(link, (string)button["url"]!);
        Assert.True(((string)blocks[0]!["text"]!["text"]!).Length <= 150);
    }
}
