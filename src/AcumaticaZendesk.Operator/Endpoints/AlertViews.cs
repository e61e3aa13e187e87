using System.Globalization;
using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Endpoints;

/// <summary>A configured alert channel in words; secrets appear by name only.</summary>
public sealed record AlertChannelView(string Channel, string Target);

/// <summary>A tenant's alert channels and triggers, the alerts open now and the recent ones sent with their outcome.</summary>
public sealed record AlertsView(
    string TenantId,
    IReadOnlyList<AlertChannelView> Channels,
    AlertTriggers? Triggers,
    TimeSpan? RenotifyAfter,
    IReadOnlyList<OpenAlert> Open,
    IReadOnlyList<SentAlert> Recent)
{
    public static AlertsView Of(TenantConfig tenant, AlertLedgerState ledger)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(ledger);
        var alerts = tenant.Alerts;
        var channels = new List<AlertChannelView>();
        if (alerts?.Webhook is { } webhook)
        {
            channels.Add(new("webhook", $"{webhook.Format.ToString().ToLowerInvariant()} webhook, URL from secret '{webhook.UrlSecret}'"));
        }

        if (alerts?.Email is { } email)
        {
            channels.Add(new("email", string.Create(CultureInfo.InvariantCulture,
                $"e-mail to {string.Join(", ", email.To)} via {email.SmtpHost}:{email.SmtpPort}")));
        }

        return new AlertsView(tenant.Id, channels, alerts?.Triggers, alerts?.RenotifyAfter, ledger.Open, ledger.Recent);
    }
}
