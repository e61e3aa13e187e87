using System.Net;
using System.Net.Sockets;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Testing.Alerts;
using Microsoft.Playwright;

namespace AcumaticaZendesk.Console.EndToEndTests;

/// <summary>The tenant page's alert panel: the configured channels by name, the open alerts and each channel's outcome.</summary>
public sealed partial class ConsoleTests
{
    [Fact]
    public async Task The_tenant_page_shows_the_alert_channels_and_the_alerts_sent_with_their_outcome()
    {
        const string tenantId = "wayne";
        using var webhook = new AlertWebhookReceiver();
        fixture.Connector.SetSecret("tenants:wayne:alerts:webhook-url", webhook.Url.ToString());
        await fixture.CreateTenantAsync(tenantId, Spec(tenantId), t => t with
        {
            Alerts = new AlertSettings
            {
                Webhook = new WebhookAlertChannel { UrlSecret = "tenants:wayne:alerts:webhook-url" },
                // Nothing listens on this port: the e-mail channel fails, and the page says so.
                Email = new EmailAlertChannel
                {
                    SmtpHost = "127.0.0.1",
                    SmtpPort = ClosedPort(),
                    Security = SmtpSecurity.None,
                    From = "connector@example.com",
                    To = ["ops@example.com"]
                },
            },
        });
        fixture.Connector.Control.AddAcumaticaUser(tenantId, DemoCredentials.AcumaticaUser, "changed-by-someone-else");
        fixture.Connector.Control.RevokeAcumaticaTokens(tenantId, accessTokensToo: true);
        await fixture.Connector.RunSyncAsync(tenantId, TimeSpan.FromMinutes(2), Token);

        var page = await fixture.NewPageAsync();
        await ConsolePages.SignInAsync(page, Testing.SandboxedConnector.OperatorKey);
        await page.GotoAsync($"/console/tenants/{tenantId}");

        var panel = page.Locator("section[aria-labelledby=alerts-title]");
        await Assertions.Expect(panel.Locator("li[data-channel=webhook]")).ToContainTextAsync("URL from secret 'tenants:wayne:alerts:webhook-url'");
        await Assertions.Expect(panel.Locator("li[data-channel=email]")).ToContainTextAsync("ops@example.com via 127.0.0.1");
        await Assertions.Expect(panel).Not.ToContainTextAsync(webhook.Url.ToString());
        await Assertions.Expect(panel.Locator(".problem")).ToContainTextAsync("needs-authorization");
        var sent = panel.Locator("tr[data-alert=needs-authorization]");
        await Assertions.Expect(sent).ToContainTextAsync("Acumatica needs a new authorization");
        await Assertions.Expect(sent.Locator("li.ok")).ToContainTextAsync("webhook: delivered");
        await Assertions.Expect(sent.Locator("li.bad")).ToContainTextAsync("email: not delivered after 3 attempts");
        await Assertions.Expect(panel.Locator("tr[data-alert=run-failed]")).ToHaveCountAsync(1);
        Assert.Equal(2, webhook.Received.Count);
        await ConsolePages.AssertAccessibleAsync(page);
        await panel.ScrollIntoViewIfNeededAsync();
        await ConsolePages.ScreenshotAsync(page, "tenant-alerts");
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
