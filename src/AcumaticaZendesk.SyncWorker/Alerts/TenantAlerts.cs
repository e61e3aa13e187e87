using AcumaticaZendesk.Connectors.Alerts;
using AcumaticaZendesk.Operator;
using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Tickets;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Alerts;

/// <summary>The one place alerts are evaluated, after each run; claimed in the <see cref="AlertLedger"/>. Never throws: alerts never fail a run.</summary>
public sealed class TenantAlerts(
    TenantRepository tenants,
    RunStore runs,
    FailedRecordQueue replayQueue,
    IConnectorStateStore store,
    AlertLedger ledger,
    AlertDelivery delivery,
    IOptions<OperatorOptions> operatorOptions,
    TimeProvider time,
    ILogger<TenantAlerts> logger)
{
    /// <summary>Runs read beyond the consecutive-failures threshold (running and dry runs are skipped by the evaluator).</summary>
    private const int ExtraRuns = 5;

    public async Task EvaluateAsync(string tenantId, CancellationToken cancellationToken)
    {
        try
        {
            var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
            if (tenant?.Alerts is not { } alerts)
            {
                return;
            }

            var recent = await runs.ListAsync(tenantId, Math.Max(1, alerts.Triggers.ConsecutiveFailures) + ExtraRuns, cancellationToken).ConfigureAwait(false);
            var queued = (await replayQueue.ListAsync(tenantId, cancellationToken).ConfigureAwait(false)).Count;
            var lag = (await store.GetAsync<TicketFlowLag>(TicketFlowLag.Key(tenantId), cancellationToken).ConfigureAwait(false)).Value?.Lag;
            var holding = AlertEvaluator.Evaluate(new AlertInputs(tenant, recent, queued, lag));
            var due = await ledger.ClaimAsync(tenantId, holding, alerts.RenotifyAfter, cancellationToken).ConfigureAwait(false);
            foreach (var condition in due)
            {
                var now = time.GetUtcNow();
                var notice = new AlertNotice(tenant.Id, tenant.DisplayName, condition.Kind, condition.Summary, condition.Detail, ConsoleLink(tenant.Id), now);
                var outcomes = await delivery.DeliverAsync(alerts, notice, cancellationToken).ConfigureAwait(false);
                await ledger.RecordAsync(tenantId, new SentAlert(Guid.NewGuid().ToString("N"), condition.Kind, now, notice.Title, outcomes), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Alerts of tenant {TenantId} could not be evaluated; the run is not affected", tenantId);
        }
    }

    /// <summary><c>{Operator:PublicBaseUrl}/console/tenants/{id}</c>; null without a public base URL (the messages then carry no link).</summary>
    private Uri? ConsoleLink(string tenantId) =>
        operatorOptions.Value.PublicBaseUrl is { } root ? new Uri($"{root.AbsoluteUri.TrimEnd('/')}/console/tenants/{Uri.EscapeDataString(tenantId)}") : null;
}
