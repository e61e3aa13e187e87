using System.Net;
using AcumaticaZendesk.Sync.Alerts;

namespace AcumaticaZendesk.Operator.IntegrationTests;

public sealed class AlertsApiTests : IAsyncLifetime
{
    private const string WebhookUrl = "https://hooks.slack.com/services/T0001/B0001/s3cr3tw3bh00kt0k3n";
    private const string SmtpPassword = "smtp-p4ssw0rd-never-shown";

    private static readonly AlertSettings Alerts = new()
    {
        Webhook = new WebhookAlertChannel { UrlSecret = "tenants:contoso:alerts:webhook-url" },
        Email = new EmailAlertChannel
        {
            SmtpHost = "smtp.example.com",
            UserName = "alerts@example.com",
            PasswordSecret = "tenants:contoso:alerts:smtp-password",
            From = "connector@example.com",
            To = ["ops@example.com"],
        },
    };

    private OperatorHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await OperatorHost.StartAsync();
        _host.Secrets.Values["tenants:contoso:alerts:webhook-url"] = WebhookUrl;
        _host.Secrets.Values["tenants:contoso:alerts:smtp-password"] = SmtpPassword;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task The_tenant_and_its_alerts_name_the_secrets_and_never_show_them()
    {
        using var client = _host.Client();
        var saved = await client.PutAsync("/operator/v1/tenants/contoso", OperatorHost.JsonBody(TestData.Tenant("contoso") with { Alerts = Alerts }), Ct);
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);

        foreach (var path in new[] { "/operator/v1/tenants/contoso", "/operator/v1/tenants/contoso/alerts" })
        {
            var body = await (await client.GetAsync(path, Ct)).Content.ReadAsStringAsync(Ct);
            Assert.Contains("tenants:contoso:alerts:webhook-url", body, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cr3tw3bh00kt0k3n", body, StringComparison.Ordinal);
            Assert.DoesNotContain("hooks.slack.com", body, StringComparison.Ordinal);
            Assert.DoesNotContain(SmtpPassword, body, StringComparison.Ordinal);
        }

        var alerts = await OperatorHost.ReadJsonAsync(await client.GetAsync("/operator/v1/tenants/contoso/alerts", Ct));
        Assert.Equal(["webhook", "email"], alerts.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("channel").GetString()));
        Assert.Equal(0, alerts.GetProperty("recent").GetArrayLength());
        Assert.Equal(3, alerts.GetProperty("triggers").GetProperty("consecutiveFailures").GetInt32());
    }

    [Fact]
    public async Task A_webhook_url_put_where_the_secret_name_belongs_is_refused_at_the_field()
    {
        using var client = _host.Client();
        var tenant = TestData.Tenant("contoso") with { Alerts = Alerts with { Webhook = new WebhookAlertChannel { UrlSecret = WebhookUrl } } };

        var response = await client.PutAsync("/operator/v1/tenants/contoso", OperatorHost.JsonBody(tenant), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("alerts.webhook.urlSecret", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3tw3bh00kt0k3n", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_key_sees_its_alerts_only()
    {
        await _host.AddTenantAsync(TestData.Tenant("contoso") with { Alerts = Alerts });
        await _host.AddTenantAsync(TestData.Tenant("fabrikam"));
        using var contoso = _host.Client(OperatorHost.ContosoKey);

        Assert.Equal(HttpStatusCode.OK, (await contoso.GetAsync("/operator/v1/tenants/contoso/alerts", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await contoso.GetAsync("/operator/v1/tenants/fabrikam/alerts", Ct)).StatusCode);
    }
}
