using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class AlertSettingsValidationTests
{
    private static readonly EmailAlertChannel Email = new()
    {
        SmtpHost = "smtp.example.com",
        UserName = "alerts",
        PasswordSecret = "tenants:contoso:alerts:smtp-password",
        From = "connector@example.com",
        To = ["ops@example.com"],
    };

    private static TenantConfig With(AlertSettings alerts) => Tenant() with { Alerts = alerts };

    private static ValidationError Single(AlertSettings alerts) => Assert.Single(TenantValidator.Validate(With(alerts)));

    [Fact]
    public void Both_channels_with_secret_names_and_the_default_triggers_are_valid() =>
        Assert.Empty(TenantValidator.Validate(With(new AlertSettings
        {
            Webhook = new WebhookAlertChannel { UrlSecret = "tenants:contoso:alerts:webhook-url", Format = WebhookFormat.Teams },
            Email = Email,
        })));

    [Theory]
    [InlineData("https://hooks.slack.com/services/T000/B000/XXXX")]
    [InlineData("hooks.slack.com/services/T000")]
    [InlineData(" ")]
    public void A_webhook_url_pasted_where_its_secret_name_belongs_is_refused_without_repeating_it(string value)
    {
        var error = Single(new AlertSettings { Webhook = new WebhookAlertChannel { UrlSecret = value } });

        Assert.Equal("alerts.webhook.urlSecret", error.Path);
        Assert.Contains("name of a secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("slack.com", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 17: a tenant-scoped key may change its tenant's alerts, and the worker sends the named secret to the SMTP
    /// server the settings name. Any name outside the tenant's own alert secrets would let it collect another tenant's
    /// password, the token-encryption keys or a shared OAuth client secret at a server of its choice.
    /// </summary>
    [Theory]
    [InlineData("tenants:fabrikam:acumatica:password")]
    [InlineData("tenants:fabrikam:alerts:smtp-password")]
    [InlineData("tenants:contoso:acumatica:password")]
    [InlineData("tenants:contoso:alerts:")]
    [InlineData("tenants:contoso-x:alerts:smtp-password")]
    [InlineData("token-encryption:keys")]
    [InlineData("oauth:zendesk:client-secret")]
    public void An_alert_secret_outside_the_tenants_own_alert_secrets_is_refused(string name)
    {
        var email = Single(new AlertSettings { Email = Email with { SmtpHost = "smtp.attacker.example", PasswordSecret = name } });
        var webhook = Single(new AlertSettings { Webhook = new WebhookAlertChannel { UrlSecret = name } });

        Assert.Equal("alerts.email.passwordSecret", email.Path);
        Assert.Equal("alerts.webhook.urlSecret", webhook.Path);
        Assert.Contains("tenants:contoso:alerts:", email.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_without_a_channel_are_refused() =>
        Assert.Equal("alerts", Single(new AlertSettings()).Path);

    [Fact]
    public void A_password_over_a_connection_without_tls_is_refused() =>
        Assert.Equal("alerts.email.security", Single(new AlertSettings { Email = Email with { Security = SmtpSecurity.None } }).Path);

    [Fact]
    public void A_user_name_needs_its_password_secret() =>
        Assert.Equal("alerts.email.passwordSecret", Single(new AlertSettings { Email = Email with { PasswordSecret = null } }).Path);

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("Ops <ops@example.com>")]
    public void A_bad_recipient_names_its_index(string to) =>
        Assert.Equal("alerts.email.to[1]", Single(new AlertSettings { Email = Email with { To = ["ops@example.com", to] } }).Path);

    [Theory]
    [InlineData("smtpHost", "bad host!")]
    [InlineData("from", "")]
    public void Bad_email_fields_name_the_field(string field, string value)
    {
        var email = field == "smtpHost" ? Email with { SmtpHost = value } : Email with { From = value };
        Assert.Equal($"alerts.email.{field}", Single(new AlertSettings { Email = email }).Path);
    }

    [Fact]
    public void Out_of_range_triggers_and_intervals_name_their_fields()
    {
        var errors = TenantValidator.Validate(With(new AlertSettings
        {
            Email = Email,
            Triggers = new AlertTriggers { ConsecutiveFailures = 1, ReplayQueueOver = -1, TicketFlowLagOver = TimeSpan.FromSeconds(5) },
            RenotifyAfter = TimeSpan.FromSeconds(30),
        }));

        Assert.Equal(
            ["alerts.renotifyAfter", "alerts.triggers.consecutiveFailures", "alerts.triggers.replayQueueOver", "alerts.triggers.ticketFlowLagOver"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    private static readonly WebhookAlertChannel Webhook = new() { UrlSecret = "tenants:contoso:alerts:webhook-url" };

    /// <summary>Each refusal of an alert setting: the path and the words that say what to put there.</summary>
    private static readonly Dictionary<string, (AlertSettings Alerts, string Path, string Says)> Refusals = new(StringComparer.Ordinal)
    {
        ["no channel"] = (new AlertSettings(), "alerts", "configure alerts.webhook or alerts.email (or leave alerts out)"),
        ["webhook url pasted"] = (new AlertSettings { Webhook = new() { UrlSecret = "https://hooks.slack.com/services/T0/B0/X" } }, "alerts.webhook.urlSecret",
            "must be the name of a secret in the secret store that holds the URL (letters, digits, ':', '.', '_', '-'; e.g. "
                + "tenants:contoso:alerts:webhook-url), never the URL itself"),
        ["webhook secret of another tenant"] = (
            new AlertSettings { Webhook = new() { UrlSecret = "tenants:fabrikam:alerts:webhook-url" } },
            "alerts.webhook.urlSecret",
            "must name one of this tenant's alert secrets, 'tenants:contoso:alerts:…' (e.g. tenants:contoso:alerts:smtp-password); the secrets of the "
                + "connector, of other tenants and shared ones are never sent to an alert channel"),
        ["unknown webhook format"] = (
            new AlertSettings { Webhook = Webhook with { Format = (WebhookFormat)5 } },
            "alerts.webhook.format",
            "must be slack or teams"),
        ["renotify under five minutes"] = (
            new AlertSettings { Webhook = Webhook, RenotifyAfter = TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1) },
            "alerts.renotifyAfter",
            "must be between 00:05:00 and 30 days (e.g. 1.00:00:00 for a day)"),
        ["renotify over thirty days"] = (
            new AlertSettings { Webhook = Webhook, RenotifyAfter = TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1) },
            "alerts.renotifyAfter",
            "must be between 00:05:00 and 30 days"),
        ["smtp host with a space"] = (
            new AlertSettings { Email = Email with { SmtpHost = "smtp example.com" } },
            "alerts.email.smtpHost",
            "must be a host name or IP address such as smtp.example.com"),
        ["no smtp host"] = (new AlertSettings { Email = Email with { SmtpHost = null! } }, "alerts.email.smtpHost", "must be a host name"),
        ["smtp host one too long"] = (
            new AlertSettings { Email = Email with { SmtpHost = HostOfLength(254) } },
            "alerts.email.smtpHost",
            "must be a host name"),
        ["smtp port 0"] = (
            new AlertSettings { Email = Email with { SmtpPort = 0 } },
            "alerts.email.smtpPort",
            "must be a port between 1 and 65535 (587 for STARTTLS, 465 for TLS)"),
        ["smtp port 65536"] = (new AlertSettings { Email = Email with { SmtpPort = 65536 } }, "alerts.email.smtpPort", "must be a port between 1 and 65535"),
        ["unknown smtp security"] = (
            new AlertSettings { Email = Email with { Security = (SmtpSecurity)3 } },
            "alerts.email.security",
            "must be start-tls, ssl-on-connect or none"),
        ["password without tls"] = (
            new AlertSettings { Email = Email with { Security = SmtpSecurity.None } },
            "alerts.email.security",
            "must be start-tls or ssl-on-connect when a password is sent"),
        ["blank user name"] = (
            new AlertSettings { Email = Email with { UserName = " " } },
            "alerts.email.userName",
            "must be omitted or a user name, not blank"),
        ["password without user name"] = (
            new AlertSettings { Email = Email with { UserName = null } },
            "alerts.email.userName",
            "is required with passwordSecret"),
        ["user name without password"] = (new AlertSettings { Email = Email with { PasswordSecret = null } }, "alerts.email.passwordSecret",
            "is required with userName (the name of the secret holding the SMTP password)"),
        ["password pasted"] = (new AlertSettings { Email = Email with { PasswordSecret = "p@ss word!" } }, "alerts.email.passwordSecret",
            "must be the name of a secret in the secret store that holds the password (letters, digits, ':', '.', '_', '-'; e.g. "
                + "tenants:contoso:alerts:webhook-url), never the password itself"),
        ["sender with a display name"] = (
            new AlertSettings { Email = Email with { From = "Connector <connector@example.com>" } },
            "alerts.email.from",
            "must be one e-mail address such as connector@example.com"),
        ["sender one too long"] = (new AlertSettings { Email = Email with { From = AddressOfLength(255) } }, "alerts.email.from", "must be one e-mail address"),
        ["no recipient"] = (new AlertSettings { Email = Email with { To = [] } }, "alerts.email.to", "must list 1 to 20 e-mail addresses"),
        ["recipients null"] = (new AlertSettings { Email = Email with { To = null! } }, "alerts.email.to", "must list 1 to 20 e-mail addresses"),
        ["21 recipients"] = (new AlertSettings { Email = Email with { To = Recipients(21) } }, "alerts.email.to", "must list 1 to 20 e-mail addresses"),
        ["a recipient that is no address"] = (
            new AlertSettings { Email = Email with { To = ["ops@example.com", "ops"] } },
            "alerts.email.to[1]",
            "is not an e-mail address"),
        ["triggers null"] = (new AlertSettings { Webhook = Webhook, Triggers = null! }, "alerts.triggers", "must be omitted (defaults) or an object"),
        ["one failure in a row"] = (
            new AlertSettings { Webhook = Webhook, Triggers = new() { ConsecutiveFailures = 1 } },
            "alerts.triggers.consecutiveFailures",
            "must be 0 (off) or 2 to 100; one failure is runFailed"),
        ["negative failures in a row"] = (
            new AlertSettings { Webhook = Webhook, Triggers = new() { ConsecutiveFailures = -1 } },
            "alerts.triggers.consecutiveFailures",
            "must be 0 (off) or 2 to 100"),
        ["101 failures in a row"] = (
            new AlertSettings { Webhook = Webhook, Triggers = new() { ConsecutiveFailures = 101 } },
            "alerts.triggers.consecutiveFailures",
            "must be 0 (off) or 2 to 100"),
        ["negative replay queue"] = (new AlertSettings { Webhook = Webhook, Triggers = new() { ReplayQueueOver = -1 } }, "alerts.triggers.replayQueueOver",
            "must be 0 (off) or a positive number of records"),
        ["ticket lag under a minute"] = (
            new AlertSettings { Webhook = Webhook, Triggers = new() { TicketFlowLagOver = TimeSpan.FromSeconds(59) } },
            "alerts.triggers.ticketFlowLagOver",
            "must be null (off) or between 00:01:00 and 30 days"),
        ["ticket lag over thirty days"] = (
            new AlertSettings { Webhook = Webhook, Triggers = new() { TicketFlowLagOver = TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1) } },
            "alerts.triggers.ticketFlowLagOver",
            "must be null (off) or between 00:01:00 and 30 days"),
    };

    public static TheoryData<string> RefusalCases => [.. Refusals.Keys];

    [Theory]
    [MemberData(nameof(RefusalCases))]
    public void A_refusal_names_the_alert_setting_and_says_what_it_must_be(string refusal)
    {
        var (alerts, path, says) = Refusals[refusal];

        var error = Single(alerts);

        Assert.Equal(path, error.Path);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Values at the edge of what is allowed, and optional settings left out: all accepted.</summary>
    private static readonly Dictionary<string, AlertSettings> Accepted = new(StringComparer.Ordinal)
    {
        ["renotify after five minutes"] = new() { Webhook = Webhook, RenotifyAfter = TimeSpan.FromMinutes(5) },
        ["renotify after thirty days"] = new() { Webhook = Webhook, RenotifyAfter = TimeSpan.FromDays(30) },
        ["smtp host of the longest length"] = new() { Email = Email with { SmtpHost = HostOfLength(253) } },
        ["smtp host as an ip address"] = new() { Email = Email with { SmtpHost = "192.0.2.25" } },
        ["smtp port 1"] = new() { Email = Email with { SmtpPort = 1 } },
        ["smtp port 65535"] = new() { Email = Email with { SmtpPort = 65535 } },
        ["ssl on connect"] = new() { Email = Email with { SmtpPort = 465, Security = SmtpSecurity.SslOnConnect } },
        ["a relay without authentication or tls"] = new()
        {
            Email = Email with { UserName = null, PasswordSecret = null, Security = SmtpSecurity.None, SmtpPort = 25 }
        },
        ["sender of the longest length"] = new() { Email = Email with { From = AddressOfLength(254) } },
        ["20 recipients"] = new() { Email = Email with { To = Recipients(20) } },
        ["triggers off"] = new()
        {
            Webhook = Webhook,
            Triggers = new() { RunFailed = false, ConsecutiveFailures = 0, NeedsAuthorization = false, ReplayQueueOver = 0, TicketFlowLagOver = null }
        },
        ["two failures in a row"] = new() { Webhook = Webhook, Triggers = new() { ConsecutiveFailures = 2 } },
        ["100 failures in a row"] = new() { Webhook = Webhook, Triggers = new() { ConsecutiveFailures = 100 } },
        ["ticket lag of a minute"] = new() { Webhook = Webhook, Triggers = new() { TicketFlowLagOver = TimeSpan.FromMinutes(1) } },
        ["ticket lag of thirty days"] = new() { Webhook = Webhook, Triggers = new() { TicketFlowLagOver = TimeSpan.FromDays(30) } },
    };

    public static TheoryData<string> AcceptedCases => [.. Accepted.Keys];

    [Theory]
    [MemberData(nameof(AcceptedCases))]
    public void Alert_settings_at_the_edge_of_the_rules_are_accepted(string accepted) =>
        Assert.Empty(TenantValidator.Validate(With(Accepted[accepted])));

    /// <summary>A DNS name of exactly <paramref name="length"/> characters (labels of at most 63).</summary>
    private static string HostOfLength(int length)
    {
        var host = string.Empty;
        while (length - host.Length > 63)
        {
            host += new string('a', 63) + ".";
        }

        return host + new string('b', length - host.Length);
    }

    /// <summary>An address of exactly <paramref name="length"/> characters.</summary>
    private static string AddressOfLength(int length) => "ops@" + HostOfLength(length - "ops@".Length);

    private static string[] Recipients(int count) => [.. Enumerable.Range(1, count).Select(i => $"ops{i}@example.com")];
}
