using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Connectors.Alerts;
using AcumaticaZendesk.Sync.Alerts;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Alerts;

/// <summary>
/// The JSON each webhook format posts, against what the vendors document (docs/alerts.md, "Webhook formats and their
/// sources"): a long, markup-laden detail stays inside every documented limit.
/// </summary>
public sealed class WebhookAlertBodyTests
{
    private static readonly Uri Link = new("https://connector.example.com/console/tenants/contoso");

    private static AlertNotice Notice(Uri? link = null, string? detail = null) => new(
        "contoso", "Contoso <EU>", AlertKind.ReplayQueue, "40 records wait in the replay queue",
        detail ?? "40 records failed & wait for replay (alert above 25).", link, new DateTimeOffset(2026, 12, 7, 9, 30, 0, TimeSpan.Zero));

    /// <summary>A detail far over every limit, full of the characters Slack escapes.</summary>
    private static readonly string LongDetail = string.Concat(Enumerable.Repeat("Zendesk answered <503> & gave up. ", 400));

    /// <summary>
    /// Slack incoming webhook: <c>text</c> (the notification fallback) and Block Kit <c>blocks</c> —
    /// slackapi/node-slack-sdk <c>packages/webhook/src/IncomingWebhook.ts</c> (<c>IncomingWebhookSendArguments</c>) and
    /// <c>packages/types/src/block-kit/blocks.ts</c> (header text at most 150 characters, section text 1 to 3000, at most
    /// 10 context elements and 25 action elements).
    /// </summary>
    [Fact]
    public void Slack_gets_text_and_blocks_within_the_block_kit_limits()
    {
        var body = WebhookAlertBody.Create(Notice(Link, LongDetail), WebhookFormat.Slack);

        Assert.Equal(["text", "blocks"], body.Select(p => p.Key));
        var blocks = body["blocks"]!.AsArray();
        Assert.Equal(["header", "section", "context", "actions"], blocks.Select(b => (string)b!["type"]!));
        var header = blocks[0]!["text"]!;
        Assert.Equal("plain_text", (string)header["type"]!);
        Assert.InRange(((string)header["text"]!).Length, 1, 150);
        var section = blocks[1]!["text"]!;
        Assert.Equal("mrkdwn", (string)section["type"]!);
        var sectionText = (string)section["text"]!;
        Assert.InRange(sectionText.Length, 1, WebhookAlertBody.DetailLimit);
        Assert.StartsWith("Zendesk answered &lt;503&gt; &amp; gave up.", sectionText, StringComparison.Ordinal);
        Assert.EndsWith("…", sectionText, StringComparison.Ordinal);
        Assert.DoesNotMatch("&[a-z]*…$", sectionText); // never cut inside an escape
        Assert.InRange(blocks[2]!["elements"]!.AsArray().Count, 1, 10);
        var button = Assert.Single(blocks[3]!["elements"]!.AsArray())!;
        Assert.Equal("button", (string)button["type"]!);
        Assert.Equal(Link.AbsoluteUri, (string)button["url"]!);
        Assert.DoesNotContain("<503>", (string)body["text"]!, StringComparison.Ordinal);
        Assert.EndsWith($"<{Link.AbsoluteUri}|Open Contoso &lt;EU&gt; in the console>", (string)body["text"]!, StringComparison.Ordinal);
    }

    /// <summary>
    /// Teams: MicrosoftDocs/msteams-docs <c>msteams-platform/webhooks-and-connectors/how-to/connectors-using.md</c>,
    /// "Send Adaptive Cards using an incoming webhook": <c>type</c> must be <c>message</c>, <c>attachments</c> holds the
    /// cards, each <c>contentType</c> <c>application/vnd.microsoft.card.adaptive</c> with <c>contentUrl</c> null and the
    /// card in <c>content</c>; every card element but <c>Action.Submit</c> is supported. The Workflows app's webhooks
    /// take Adaptive Cards only (msteams-docs <c>includes/deprecation-note.md</c>). A message is at most 28 KB
    /// (<c>add-incoming-webhook.md</c>).
    /// </summary>
    [Fact]
    public void Teams_gets_the_documented_adaptive_card_envelope_within_the_size_limit()
    {
        var body = WebhookAlertBody.Create(Notice(Link, LongDetail), WebhookFormat.Teams);

        Assert.Equal(["type", "text", "attachments"], body.Select(p => p.Key));
        Assert.Equal("message", (string)body["type"]!);
        var attachment = Assert.Single(body["attachments"]!.AsArray())!.AsObject();
        Assert.Equal(["contentType", "contentUrl", "content"], attachment.Select(p => p.Key));
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string)attachment["contentType"]!);
        Assert.Null(attachment["contentUrl"]);
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", (string)card["type"]!);
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", (string)card["$schema"]!);
        Assert.Equal("1.2", (string)card["version"]!);
        var detail = (string)card["body"]![1]!["text"]!;
        Assert.InRange(detail.Length, 1, WebhookAlertBody.DetailLimit);
        var action = Assert.Single(card["actions"]!.AsArray())!;
        Assert.Equal("Action.OpenUrl", (string)action["type"]!);
        Assert.Equal(Link.AbsoluteUri, (string)action["url"]!);
        Assert.DoesNotContain("Action.Submit", body.ToJsonString(), StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(body.ToJsonString()) < 28 * 1024);
    }

    [Theory]
    [InlineData(WebhookFormat.Slack)]
    [InlineData(WebhookFormat.Teams)]
    public void Without_a_public_base_url_no_link_or_button_is_sent(WebhookFormat format)
    {
        var json = WebhookAlertBody.Create(Notice(), format).ToJsonString();

        Assert.DoesNotContain("console/tenants", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"actions\"", json, StringComparison.Ordinal);
    }
}
