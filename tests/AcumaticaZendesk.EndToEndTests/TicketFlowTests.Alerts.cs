using System.Text.Json.Nodes;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Testing.Alerts;
using Dapr.Workflow;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The ticket-flow-lag alert through the whole app: a ticket whose webhook is lost reaches Acumatica by a later run's
/// export pass, minutes after its change in Zendesk (the one clock moves); that run's completion evaluates the alerts.
/// </summary>
public sealed partial class TicketFlowTests
{
    private const string WebhookSecret = "tenants:demo:alerts:webhook-url";

    [Fact]
    public async Task A_lagging_ticket_flow_alerts_once_again_after_renotify_closes_when_a_ticket_flows_at_once_and_comes_back()
    {
        using var webhook = new AlertWebhookReceiver();
        SetSecret(WebhookSecret, webhook.Url.ToString());
        var tenants = Service<TenantRepository>();
        var tenant = (await tenants.GetAsync(TenantId, Token))!;
        await tenants.SaveAsync(tenant with
        {
            Alerts = new AlertSettings
            {
                Webhook = new WebhookAlertChannel { UrlSecret = WebhookSecret },
                Triggers = new AlertTriggers { TicketFlowLagOver = TimeSpan.FromMinutes(2) },
                RenotifyAfter = TimeSpan.FromMinutes(10),
            },
        }, Token);
        var organization = LinkedOrganization();

        // Applied at once by its webhook: no lag, no alert.
        var ticketId = Control.OpenTicket("demo", organization, "Invoice copy");
        await WaitForAppliedAsync(ticketId, TicketUpdatedAt(ticketId));
        time.Advance(TimeSpan.FromMinutes(1));
        await RunNowAsync();
        Assert.Empty(webhook.Received);

        // Solved, its webhook lost, applied by the export pass of a run 3 minutes later.
        await SolveWithLostWebhookAsync(ticketId, "Copy sent.");
        time.Advance(TimeSpan.FromMinutes(3));
        await RunNowAsync();
        var first = Assert.Single(webhook.Received).Body!.AsObject();
        Assert.Contains("Demo: Ticket flow lags 3 min", (string)first["text"]!, StringComparison.Ordinal);
        Assert.Contains($"<{PublicBaseUrl}/console/tenants/{TenantId}|", (string)first["text"]!, StringComparison.Ordinal);
        Assert.Equal($"{PublicBaseUrl}/console/tenants/{TenantId}", (string)first["blocks"]![3]!["elements"]![0]!["url"]!);

        // Still the last ticket's lag: the next run sends nothing; once renotifyAfter has passed, it is sent again.
        time.Advance(TimeSpan.FromMinutes(5));
        await RunNowAsync();
        Assert.Single(webhook.Received);
        time.Advance(TimeSpan.FromMinutes(6));
        await RunNowAsync();
        Assert.Equal(2, webhook.Received.Count);

        // A ticket applied at once by its webhook: the next run closes the alert and sends nothing.
        Control.GetZendeskSettings("demo").WebhookDropRate = 0;
        var quick = Control.OpenTicket("demo", organization, "Password reset");
        await WaitForAppliedAsync(quick, TicketUpdatedAt(quick));
        time.Advance(TimeSpan.FromMinutes(1));
        await RunNowAsync();
        Assert.DoesNotContain((await Service<AlertLedger>().GetAsync(TenantId, Token)).Open, a => a.Kind == AlertKind.TicketFlowLag);
        Assert.Equal(2, webhook.Received.Count);

        // Lagging again: the alert comes back at once (a new condition, not a repeat held back by renotifyAfter).
        await SolveWithLostWebhookAsync(quick, "Reset done.");
        time.Advance(TimeSpan.FromMinutes(4));
        await RunNowAsync();
        Assert.Equal(3, webhook.Received.Count);
        Assert.Contains("Demo: Ticket flow lags 4 min", (string)webhook.Received[^1].Body!["text"]!, StringComparison.Ordinal);
        var ledger = await Service<AlertLedger>().GetAsync(TenantId, Token);
        Assert.All(ledger.Recent, a => Assert.Equal(AlertKind.TicketFlowLag, a.Kind));
        Assert.Equal(3, ledger.Recent.Count);
    }

    /// <summary>Solves a ticket a minute later while the sandbox drops every webhook, and waits until its webhook was dropped.</summary>
    private async Task SolveWithLostWebhookAsync(long ticketId, string solution)
    {
        Control.GetZendeskSettings("demo").WebhookDropRate = 1.0;
        time.Advance(TimeSpan.FromMinutes(1));
        var dropped = Control.WebhookAttempts.Count(a => a.Dropped);
        Control.SolveTicket("demo", ticketId, solution);
        await WaitForAsync(() => Task.FromResult(Control.WebhookAttempts.Count(a => a.Dropped) > dropped && Control.PendingWebhooks == 0 ? "" : null));
    }

    /// <summary>An operator's "run now" (the same workflow as the cron tick, export pass and alerts included), waited for.</summary>
    private async Task RunNowAsync()
    {
        while (true)
        {
            try
            {
                var instanceId = await Service<IWorkflowRuns>().ScheduleRunNowAsync(new RunRequest(TenantId, "e2e", "alerts"), Token);
                Assert.Equal(WorkflowRuntimeStatus.Completed, (await WaitForWorkflowAsync(instanceId)).RuntimeStatus);
                return;
            }
            catch (RunInProgressException)
            {
                // The previous run's completion activity releases the lease a moment after the workflow reports done.
                await Task.Delay(100, Token);
            }
        }
    }
}
