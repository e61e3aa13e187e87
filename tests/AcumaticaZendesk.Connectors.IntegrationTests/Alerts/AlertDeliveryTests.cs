using System.Net;
using System.Net.Sockets;
using AcumaticaZendesk.Connectors.Alerts;
using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Testing.Alerts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Alerts;

/// <summary>
/// <see cref="AlertDelivery"/> as <c>AddConnectors</c> registers it, with the webhook channel posting to a local receiver on
/// 127.0.0.1: the egress policy refuses loopback without an allow-list (nothing connects), a 5xx is retried within the
/// bound, a 4xx is not, and the Teams message has the envelope Teams takes.
/// </summary>
public sealed class AlertDeliveryTests : IDisposable
{
    private const string UrlSecret = "tenants:contoso:alerts:webhook-url";

    private static readonly AlertNotice Notice = new(
        "contoso", "Contoso <EU>", AlertKind.RunFailed, "Run r1 failed", "Zendesk answered 503 & gave up",
        new Uri("https://connector.example.com/console/tenants/contoso"), new DateTimeOffset(2026, 12, 7, 9, 30, 0, TimeSpan.Zero));

    private readonly AlertWebhookReceiver _receiver = new();
    private readonly Dictionary<string, string> _secrets = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _receiver.Dispose();

    private ServiceProvider Services(params string[] allowList)
    {
        var settings = allowList.Select((a, i) => new KeyValuePair<string, string?>($"Egress:AllowList:{i}", a))
            .Append(new("Alerts:Delivery:RetryDelay", "00:00:00.010"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IConnectorStateStore>(new Sync.State.InMemoryConnectorStateStore());
        services.AddSingleton<ISecretSource>(new Secrets(_secrets));
        services.AddConnectors(configuration);
        return services.BuildServiceProvider();
    }

    private static AlertSettings Webhook(WebhookFormat format = WebhookFormat.Slack) =>
        new() { Webhook = new WebhookAlertChannel { UrlSecret = UrlSecret, Format = format } };

    [Theory]
    [InlineData("https://127.0.0.1:{0}/services/T1/B1/token", "not a public internet address")]
    [InlineData("https://localhost:{0}/services/T1/B1/token", "not a public internet address")]
    [InlineData("http://127.0.0.1:{0}/services/T1/B1/token", "http is only used for hosts of Egress:AllowList")]
    public async Task A_loopback_webhook_is_refused_without_an_allow_list_and_never_connected(string template, string why)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = listener.AcceptTcpClientAsync(Ct).AsTask();
        _secrets[UrlSecret] = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var services = Services();

        var outcome = Assert.Single(await services.GetRequiredService<AlertDelivery>().DeliverAsync(Webhook(), Notice, Ct));

        Assert.False(outcome.Delivered);
        Assert.Equal(1, outcome.Attempts);
        Assert.Contains(why, outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("token", outcome.Error, StringComparison.Ordinal);
        Assert.False(accept.IsCompleted);
    }

    [Fact]
    public async Task A_loopback_smtp_server_is_refused_without_an_allow_list_and_never_connected()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = listener.AcceptTcpClientAsync(Ct).AsTask();
        using var services = Services();
        var email = new AlertSettings
        {
            Email = new EmailAlertChannel
            {
                SmtpHost = "127.0.0.1",
                SmtpPort = ((IPEndPoint)listener.LocalEndpoint).Port,
                Security = SmtpSecurity.None,
                From = "connector@example.com",
                To = ["ops@example.com"],
            },
        };

        var outcome = Assert.Single(await services.GetRequiredService<AlertDelivery>().DeliverAsync(email, Notice, Ct));

        Assert.Equal(("email", false, 1), (outcome.Channel, outcome.Delivered, outcome.Attempts));
        Assert.Contains("not a public internet address", outcome.Error, StringComparison.Ordinal);
        Assert.False(accept.IsCompleted);
    }

    [Fact]
    public async Task An_allow_listed_receiver_gets_the_teams_message_after_a_503_is_retried()
    {
        _secrets[UrlSecret] = _receiver.Url.ToString();
        _receiver.Answers.Enqueue(HttpStatusCode.ServiceUnavailable);
        using var services = Services("127.0.0.1");

        var outcome = Assert.Single(await services.GetRequiredService<AlertDelivery>().DeliverAsync(Webhook(WebhookFormat.Teams), Notice, Ct));

        Assert.True(outcome.Delivered);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(2, _receiver.Received.Count);
        var body = _receiver.Received[^1].Body!.AsObject();
        Assert.Equal("message", (string)body["type"]!);
        Assert.Equal("Contoso <EU>: Run r1 failed", (string)body["text"]!);
        var attachment = Assert.Single(body["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string)attachment["contentType"]!);
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", (string)card["type"]!);
        Assert.Equal(["TextBlock", "TextBlock", "FactSet"], card["body"]!.AsArray().Select(b => (string)b!["type"]!));
        Assert.Equal("Action.OpenUrl", (string)card["actions"]![0]!["type"]!);
        Assert.Equal(Notice.ConsoleLink!.AbsoluteUri, (string)card["actions"]![0]!["url"]!);
    }

    /// <summary>
    /// Microsoft Teams docs (connectors-using.md, "Rate limiting for connectors"): over the limit a connector may answer
    /// HTTP 200 with "Microsoft Teams endpoint returned HTTP error 429" in the body. That is no delivery: it is retried.
    /// </summary>
    [Fact]
    public async Task A_teams_200_that_reports_its_rate_limit_in_the_body_is_retried_not_counted_as_delivered()
    {
        _secrets[UrlSecret] = _receiver.Url.ToString();
        _receiver.Bodies.Enqueue(
            "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-production-eus-azsc2-4-170,cv=deadbeef.");
        using var services = Services("127.0.0.1");

        var outcome = Assert.Single(await services.GetRequiredService<AlertDelivery>().DeliverAsync(Webhook(WebhookFormat.Teams), Notice, Ct));

        Assert.True(outcome.Delivered);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(2, _receiver.Received.Count);
    }

    [Fact]
    public async Task Slack_text_is_escaped_and_a_refusal_is_not_retried()
    {
        _secrets[UrlSecret] = _receiver.Url.ToString();
        _receiver.Status = HttpStatusCode.BadRequest;
        using var services = Services("127.0.0.1");

        var outcome = Assert.Single(await services.GetRequiredService<AlertDelivery>().DeliverAsync(Webhook(), Notice, Ct));

        Assert.False(outcome.Delivered);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal("the webhook answered 400: invalid_payload", outcome.Error);
        var text = (string)Assert.Single(_receiver.Received).Body!["text"]!;
        Assert.StartsWith(
            "*Contoso &lt;EU&gt;: Run r1 failed*\nZendesk answered 503 &amp; gave up\n<https://connector.example.com/console/tenants/contoso|",
            text,
            StringComparison.Ordinal);
    }

    /// <summary>
    /// Settings stored before validation required the tenant's own alert secrets (issue 17): a secret of another tenant
    /// or a shared one is never read, so it reaches neither the webhook nor the SMTP server the settings name.
    /// </summary>
    [Fact]
    public async Task A_secret_outside_the_tenants_alert_secrets_is_never_read_nor_sent()
    {
        const string OtherTenants = "tenants:fabrikam:alerts:webhook-url";
        _secrets[OtherTenants] = _receiver.Url.ToString();
        _secrets[SecretNames.TokenEncryptionKeys] = "k1=c2VjcmV0";
        using var smtp = new TcpListener(IPAddress.Loopback, 0);
        smtp.Start();
        var accept = smtp.AcceptTcpClientAsync(Ct).AsTask();
        using var services = Services("127.0.0.1");
        var settings = new AlertSettings
        {
            Webhook = new WebhookAlertChannel { UrlSecret = OtherTenants },
            Email = new EmailAlertChannel
            {
                SmtpHost = "127.0.0.1",
                SmtpPort = ((IPEndPoint)smtp.LocalEndpoint).Port,
                UserName = "x",
                PasswordSecret = SecretNames.TokenEncryptionKeys,
                From = "connector@example.com",
                To = ["ops@example.com"],
            },
        };

        var outcomes = await services.GetRequiredService<AlertDelivery>().DeliverAsync(settings, Notice, Ct);

        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal((false, 1), (o.Delivered, o.Attempts)));
        Assert.All(outcomes, o => Assert.Contains("is not one of the tenant's alert secrets ('tenants:contoso:alerts:", o.Error, StringComparison.Ordinal));
        Assert.Empty(_receiver.Received);
        Assert.False(accept.IsCompleted);
    }

    [Fact]
    public async Task A_missing_secret_is_named_and_not_retried()
    {
        using var services = Services("127.0.0.1");

        var outcome = Assert.Single(await services.GetRequiredService<AlertDelivery>().DeliverAsync(Webhook(), Notice, Ct));

        Assert.Equal(1, outcome.Attempts);
        Assert.Contains($"secret '{UrlSecret}' is missing", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(_receiver.Received);
    }

    private sealed class Secrets(Dictionary<string, string> values) : ISecretSource
    {
        public Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult(values.TryGetValue(name, out var value) ? value : null);
    }
}
