using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AcumaticaZendesk.Operator.Endpoints;

internal static class AlertEndpoints
{
    public static void Map(RouteGroupBuilder tenant) =>
        tenant.MapGet("/alerts", ShowAsync)
            .WithName("ShowAlerts").WithSummary(
                "Alert channels (secrets by name only), triggers, open alerts and the recent alerts sent with each channel's outcome.")
            .Produces<AlertsView>();

    private static async Task<IResult> ShowAsync(string tenantId, TenantRepository tenants, AlertLedger ledger, CancellationToken ct) =>
        await tenants.GetAsync(tenantId, ct).ConfigureAwait(false) is { } config
            ? OperatorResults.Json(AlertsView.Of(config, await ledger.GetAsync(tenantId, ct).ConfigureAwait(false)))
            : OperatorResults.NotFound($"Tenant '{tenantId}' does not exist.");
}
