using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Sync.UnitTests.TestData;

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
}
