using System.Net.Mail;
using System.Text.RegularExpressions;

namespace AcumaticaZendesk.Sync.Alerts;

/// <summary>Checks a tenant's <see cref="AlertSettings"/>; every error names its field under <c>alerts.</c>.</summary>
public static partial class AlertSettingsValidator
{
    public const int MaxRecipients = 20;
    public const int MaxConsecutiveFailures = 100;
    public static readonly TimeSpan MinRenotify = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(30);
    public static readonly TimeSpan MinTicketFlowLag = TimeSpan.FromMinutes(1);

    /// <summary>Alert secrets must be the tenant's own: its key may change where they are sent, so no shared secret may be named (issue 17).</summary>
    public static string SecretPrefix(string tenantId) => $"tenants:{tenantId}:alerts:";

    public static void Validate(AlertSettings? alerts, string tenantId, Action<string, string> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        if (alerts is null)
        {
            return;
        }

        if (alerts.Webhook is null && alerts.Email is null)
        {
            add("alerts", "configure alerts.webhook or alerts.email (or leave alerts out)");
        }

        if (alerts.Webhook is { } webhook)
        {
            CheckSecretName(webhook.UrlSecret, tenantId, "alerts.webhook.urlSecret", "URL", add);
            if (!Enum.IsDefined(webhook.Format))
            {
                add("alerts.webhook.format", "must be slack or teams");
            }
        }

        if (alerts.Email is { } email)
        {
            ValidateEmail(email, tenantId, add);
        }

        ValidateTriggers(alerts.Triggers, add);
        if (alerts.RenotifyAfter < MinRenotify || alerts.RenotifyAfter > MaxInterval)
        {
            add("alerts.renotifyAfter", $"must be between {MinRenotify:c} and {MaxInterval.TotalDays:0} days (e.g. 1.00:00:00 for a day)");
        }
    }

    private static void ValidateEmail(EmailAlertChannel email, string tenantId, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(email.SmtpHost) || email.SmtpHost.Length > 253 || Uri.CheckHostName(email.SmtpHost) == UriHostNameType.Unknown)
        {
            add("alerts.email.smtpHost", "must be a host name or IP address such as smtp.example.com");
        }

        if (email.SmtpPort is < 1 or > 65535)
        {
            add("alerts.email.smtpPort", "must be a port between 1 and 65535 (587 for STARTTLS, 465 for TLS)");
        }

        if (!Enum.IsDefined(email.Security))
        {
            add("alerts.email.security", "must be start-tls, ssl-on-connect or none");
        }

        if (email.UserName is not null && string.IsNullOrWhiteSpace(email.UserName))
        {
            add("alerts.email.userName", "must be omitted or a user name, not blank");
        }

        if (email.PasswordSecret is not null)
        {
            CheckSecretName(email.PasswordSecret, tenantId, "alerts.email.passwordSecret", "password", add);
            if (email.UserName is null)
            {
                add("alerts.email.userName", "is required with passwordSecret");
            }

            if (email.Security == SmtpSecurity.None)
            {
                add("alerts.email.security", "must be start-tls or ssl-on-connect when a password is sent");
            }
        }
        else if (email.UserName is not null)
        {
            add("alerts.email.passwordSecret", "is required with userName (the name of the secret holding the SMTP password)");
        }

        if (!IsAddress(email.From))
        {
            add("alerts.email.from", "must be one e-mail address such as connector@example.com");
        }

        if (email.To is null || email.To.Count == 0 || email.To.Count > MaxRecipients)
        {
            add("alerts.email.to", $"must list 1 to {MaxRecipients} e-mail addresses");
            return;
        }

        for (var i = 0; i < email.To.Count; i++)
        {
            if (!IsAddress(email.To[i]))
            {
                add($"alerts.email.to[{i}]", "is not an e-mail address");
            }
        }
    }

    private static void ValidateTriggers(AlertTriggers? triggers, Action<string, string> add)
    {
        if (triggers is null)
        {
            add("alerts.triggers", "must be omitted (defaults) or an object");
            return;
        }

        if (triggers.ConsecutiveFailures is < 0 or 1 or > MaxConsecutiveFailures)
        {
            add("alerts.triggers.consecutiveFailures", $"must be 0 (off) or 2 to {MaxConsecutiveFailures}; one failure is runFailed");
        }

        if (triggers.ReplayQueueOver < 0)
        {
            add("alerts.triggers.replayQueueOver", "must be 0 (off) or a positive number of records");
        }

        if (triggers.TicketFlowLagOver is { } lag && (lag < MinTicketFlowLag || lag > MaxInterval))
        {
            add("alerts.triggers.ticketFlowLagOver", $"must be null (off) or between {MinTicketFlowLag:c} and {MaxInterval.TotalDays:0} days");
        }
    }

    /// <summary>A secret name of the tenant's own (<see cref="SecretPrefix"/>); a pasted URL or password is refused without repeating it.</summary>
    private static void CheckSecretName(string? name, string tenantId, string path, string what, Action<string, string> add)
    {
        var prefix = SecretPrefix(tenantId);
        if (string.IsNullOrWhiteSpace(name) || !SecretNameRegex().IsMatch(name))
        {
            add(path, $"must be the name of a secret in the secret store that holds the {what} (letters, digits, ':', '.', '_', '-'; "
                + $"e.g. {prefix}webhook-url), never the {what} itself");
        }
        else if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length)
        {
            add(path, $"must name one of this tenant's alert secrets, '{prefix}…' (e.g. {prefix}smtp-password); "
                + "the secrets of the connector, of other tenants and shared ones are never sent to an alert channel");
        }
    }

    private static bool IsAddress(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= 254 && MailAddress.TryCreate(value, out var address)
        && address.Address == value.Trim() && string.IsNullOrEmpty(address.DisplayName);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}\\z")]
    private static partial Regex SecretNameRegex();
}
