using AcumaticaZendesk.Operator.Checks;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AcumaticaZendesk.Operator.Endpoints;

internal static class CheckEndpoints
{
    public static void Map(RouteGroupBuilder tenant)
    {
        tenant.MapPost("/check", async (string tenantId, TenantRepository tenants, CheckService checks, CancellationToken ct) =>
                OperatorResults.Json(await checks.CheckAsync(await tenants.GetRequiredAsync(tenantId, ct).ConfigureAwait(false), ct).ConfigureAwait(false)))
            .WithName("Check").WithSummary("Read-only: pings both systems with the tenant's credentials and says in words what is wrong.")
            .Produces<CheckReport>();
        tenant.MapPost("/plan", async (string tenantId, TenantRepository tenants, PlanService plans, CancellationToken ct) =>
                OperatorResults.Json(await plans.PlanAsync(await tenants.GetRequiredAsync(tenantId, ct).ConfigureAwait(false), ct).ConfigureAwait(false)))
            .WithName("Plan").WithSummary("Dry run: what the next run would create, update, adopt, skip or fail. Writes nothing.")
            .Produces<PlanReport>();
        tenant.MapPost("/reconcile", async (string tenantId, TenantRepository tenants, ReconcileService reconcile, CancellationToken ct) =>
            {
                var tenant = await tenants.GetRequiredAsync(tenantId, ct).ConfigureAwait(false);
                return OperatorResults.Json(await reconcile.ReconcileAsync(tenant, ct).ConfigureAwait(false));
            })
            .WithName("Reconcile")
            .WithSummary("Read-only drift report: accounts missing in Zendesk, organizations/users whose external_id matches nothing, duplicate names.")
            .Produces<ReconcileReport>();
    }
}
