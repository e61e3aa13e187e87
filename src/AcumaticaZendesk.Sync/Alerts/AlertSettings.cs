using System.Text.Json.Serialization;
using AcumaticaZendesk.Sync.Json;

namespace AcumaticaZendesk.Sync.Alerts;

/// <summary>A tenant's alert channels and triggers (docs/alerts.md). Holds no secret: the webhook URL and SMTP password are secret names.</summary>
public sealed record AlertSettings
{
    /// <summary>A Slack or Microsoft Teams incoming webhook (or anything that accepts the same JSON).</summary>
    public WebhookAlertChannel? Webhook { get; init; }

    public EmailAlertChannel? Email { get; init; }

    public AlertTriggers Triggers { get; init; } = new();

    /// <summary>An alert whose condition still holds is sent again after this long (default 24 h).</summary>
    public TimeSpan RenotifyAfter { get; init; } = TimeSpan.FromHours(24);
}

public sealed record WebhookAlertChannel
{
    /// <summary>Name of the secret (in the secret store) that holds the webhook URL; the URL itself is a credential.</summary>
    public required string UrlSecret { get; init; }

    /// <summary>The JSON the receiver expects: <c>slack</c> (default) or <c>teams</c>.</summary>
    public WebhookFormat Format { get; init; } = WebhookFormat.Slack;
}

[JsonConverter(typeof(KebabEnumConverter<WebhookFormat>))]
public enum WebhookFormat
{
    /// <summary>Slack incoming webhook: <c>text</c> (mrkdwn) and <c>blocks</c>.</summary>
    Slack,

    /// <summary>Microsoft Teams (Workflows or incoming webhook): a <c>message</c> with an Adaptive Card attachment, plus <c>text</c>.</summary>
    Teams,
}

public sealed record EmailAlertChannel
{
    public required string SmtpHost { get; init; }

    public int SmtpPort { get; init; } = 587;

    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;

    /// <summary>SMTP user name; null = no authentication.</summary>
    public string? UserName { get; init; }

    /// <summary>Name of the secret that holds the SMTP password (required with <see cref="UserName"/>).</summary>
    public string? PasswordSecret { get; init; }

    public required string From { get; init; }

    public required IReadOnlyList<string> To { get; init; }
}

[JsonConverter(typeof(KebabEnumConverter<SmtpSecurity>))]
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS (a relay on the same host or network); refused together with a password.</summary>
    None,
}

/// <summary>When to alert. Every trigger is on by default; a zero or null threshold turns one off.</summary>
public sealed record AlertTriggers
{
    public bool RunFailed { get; init; } = true;

    /// <summary>This many runs in a row failed (0 = off).</summary>
    public int ConsecutiveFailures { get; init; } = 3;

    /// <summary>The tenant waits for an operator to authorize Acumatica or Zendesk again.</summary>
    public bool NeedsAuthorization { get; init; } = true;

    /// <summary>More than this many records wait in the replay queue (0 = off).</summary>
    public int ReplayQueueOver { get; init; } = 25;

    /// <summary>The last ticket took longer than this from Zendesk to its Acumatica activity (null = off).</summary>
    public TimeSpan? TicketFlowLagOver { get; init; } = TimeSpan.FromHours(1);
}
