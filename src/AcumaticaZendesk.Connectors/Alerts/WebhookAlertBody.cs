using System.Globalization;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sync.Alerts;

namespace AcumaticaZendesk.Connectors.Alerts;

/// <summary>
/// The JSON an alert webhook receives. Both shapes carry <c>text</c> at the top level (what a generic receiver reads):
/// <list type="bullet">
/// <item><c>slack</c>: a Slack incoming-webhook message, <c>text</c> (mrkdwn, the notification fallback) and Block Kit
/// <c>blocks</c> (header, section, context, a button to the console) — slackapi/node-slack-sdk
/// <c>packages/webhook/src/IncomingWebhook.ts</c> (<c>IncomingWebhookSendArguments</c>);</item>
/// <item><c>teams</c>: a Teams message, <c>type: "message"</c> with one <c>application/vnd.microsoft.card.adaptive</c>
/// attachment (Adaptive Card 1.2: text blocks, facts, <c>Action.OpenUrl</c> to the console), the envelope the Teams
/// incoming webhook and the Workflows "when a Teams webhook request is received" trigger take — MicrosoftDocs/msteams-docs
/// <c>msteams-platform/webhooks-and-connectors/how-to/connectors-using.md</c> ("Send adaptive cards using an incoming
/// webhook"), whose plain form is <c>{"text": …}</c>.</item>
/// </list>
/// </summary>
public static class WebhookAlertBody
{
    /// <summary>Slack's limit for the text of a header block.</summary>
    public const int SlackHeaderLimit = 150;

    /// <summary>
    /// Most characters of the detail in a message: Slack's limit for a section block's text (1 to 3000,
    /// node-slack-sdk <c>packages/types/src/block-kit/blocks.ts</c>), well inside the 28 KB of a Teams message
    /// (msteams-docs <c>add-incoming-webhook.md</c>).
    /// </summary>
    public const int DetailLimit = 3000;

    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    public static JsonObject Create(AlertNotice notice, WebhookFormat format)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return format == WebhookFormat.Teams ? Teams(notice) : Slack(notice);
    }

    private static JsonObject Slack(AlertNotice notice)
    {
        var link = notice.ConsoleLink?.AbsoluteUri;
        var detail = SlackEscape(notice.Detail, DetailLimit);
        var text = $"*{SlackEscape(notice.Title)}*\n{detail}" + (link is null ? "" : $"\n<{link}|Open {SlackEscape(notice.TenantName)} in the console>");
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = PlainText(Cut(notice.Title, SlackHeaderLimit)) },
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = detail } },
            new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = SlackEscape(Facts(notice)) } },
            },
        };
        if (link is not null)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray { new JsonObject { ["type"] = "button", ["text"] = PlainText("Open in the console"), ["url"] = link } },
            });
        }

        return new JsonObject { ["text"] = text, ["blocks"] = blocks };
    }

    private static JsonObject Teams(AlertNotice notice)
    {
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.2",
            ["body"] = new JsonArray
            {
                new JsonObject { ["type"] = "TextBlock", ["text"] = notice.Title, ["weight"] = "bolder", ["size"] = "medium", ["wrap"] = true },
                new JsonObject { ["type"] = "TextBlock", ["text"] = Cut(notice.Detail, DetailLimit), ["wrap"] = true },
                new JsonObject
                {
                    ["type"] = "FactSet",
                    ["facts"] = new JsonArray
                    {
                        Fact("Tenant", notice.TenantId),
                        Fact("Alert", notice.KindName),
                        Fact("At", At(notice)),
                    },
                },
            },
        };
        if (notice.ConsoleLink is { } link)
        {
            card["actions"] = new JsonArray { new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open in the console", ["url"] = link.AbsoluteUri } };
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["text"] = notice.Title,
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = AdaptiveCardContentType, ["contentUrl"] = null, ["content"] = card },
            },
        };
    }

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    private static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };

    private static string Facts(AlertNotice notice) => $"{notice.KindName} · tenant {notice.TenantId} · {At(notice)}";

    private static string At(AlertNotice notice) => notice.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Cut(string text, int limit) => text.Length <= limit ? text : text[..(limit - 1)] + "…";

    /// <summary>Slack's three control characters in mrkdwn text (Slack API reference "Formatting text for app surfaces", "Escaping text").</summary>
    private static string SlackEscape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Escaped and, when longer than <paramref name="limit"/>, cut to it (ending in "…"), never inside an escape.</summary>
    private static string SlackEscape(string text, int limit)
    {
        var escaped = SlackEscape(text);
        if (escaped.Length <= limit)
        {
            return escaped;
        }

        var cut = new System.Text.StringBuilder(limit);
        foreach (var c in text)
        {
            var piece = SlackEscape(c.ToString());
            if (cut.Length + piece.Length > limit - 1)
            {
                break;
            }

            cut.Append(piece);
        }

        return cut.Append('…').ToString();
    }
}
