using AcumaticaZendesk.Operator.Actions;
using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.Operator.Connect;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AcumaticaZendesk.Operator.Endpoints;

internal static class TenantEndpoints
{
    public static void Map(RouteGroupBuilder root, RouteGroupBuilder tenant)
    {
        root.MapGet("/tenants", ListAsync)
            .WithName("ListTenants").WithSummary("Tenants the caller may see.")
            .Produces<IReadOnlyList<TenantSummary>>();
        root.MapPost("/tenants", CreateAsync)
            .WithName("CreateTenant").WithSummary("Creates a tenant (409 when the id exists).")
            .Accepts<TenantConfig>("application/json")
            .Produces<TenantConfig>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        tenant.MapGet("/", ShowAsync)
            .WithName("ShowTenant").WithSummary("Status, schedule, watermarks with history, last run, connections, needs-authorization.")
            .Produces<TenantView>();
        tenant.MapPut("/", UpdateAsync)
            .WithName("UpdateTenant").WithSummary("Creates or replaces the tenant's configuration (authorization state is kept).")
            .Accepts<TenantConfig>("application/json")
            .Produces<TenantConfig>().ProducesValidationProblem();
        tenant.MapPost("/pause", (string tenantId, TenantRepository tenants, CancellationToken ct) => SetPausedAsync(tenantId, true, tenants, ct))
            .WithName("PauseTenant").WithSummary("Stops scheduling runs for the tenant.").Produces<TenantSummary>();
        tenant.MapPost("/resume", (string tenantId, TenantRepository tenants, CancellationToken ct) => SetPausedAsync(tenantId, false, tenants, ct))
            .WithName("ResumeTenant").WithSummary("Schedules runs for the tenant again.").Produces<TenantSummary>();
        tenant.MapPost("/watermarks/{kind}/reset", ResetWatermarkAsync)
            .WithName("ResetWatermark").WithSummary("Sets a kind's watermark back (or forward) to force a re-read; recorded with who and why.")
            .Accepts<WatermarkResetRequest>("application/json")
            .Produces<WatermarkView>().ProducesValidationProblem();
    }

    private static async Task<IResult> ListAsync(HttpContext context, TenantRepository tenants, OperatorAccess access, CancellationToken ct)
    {
        var all = await tenants.ListAsync(ct).ConfigureAwait(false);
        return OperatorResults.Json(all.Where(t => access.CanAccess(context.User, t.Id)).Select(TenantStatus.Summary).ToArray());
    }

    private static async Task<IResult> CreateAsync(HttpContext context, TenantChanges changes, CancellationToken ct)
    {
        var (config, errors) = await OperatorResults.ReadBodyAsync<TenantConfig>(context.Request, ct).ConfigureAwait(false);
        return config is null
            ? OperatorResults.Invalid(TenantChanges.InvalidTitle, errors)
            : OperatorResults.Outcome(await changes.CreateAsync(context.User, config, ct).ConfigureAwait(false));
    }

    private static async Task<IResult> UpdateAsync(string tenantId, HttpContext context, TenantChanges changes, CancellationToken ct)
    {
        var (config, errors) = await OperatorResults.ReadBodyAsync<TenantConfig>(context.Request, ct).ConfigureAwait(false);
        return config is null
            ? OperatorResults.Invalid(TenantChanges.InvalidTitle, errors)
            : OperatorResults.Outcome(await changes.ReplaceAsync(context.User, tenantId, config, ct).ConfigureAwait(false));
    }

    private static async Task<IResult> ShowAsync(string tenantId, OperatorActions actions, CancellationToken ct) =>
        await actions.ShowAsync(tenantId, ct).ConfigureAwait(false) is { } view
            ? OperatorResults.Json(view)
            : OperatorResults.NotFound($"Tenant '{tenantId}' does not exist.");

    private static async Task<IResult> SetPausedAsync(string tenantId, bool paused, TenantRepository tenants, CancellationToken ct)
    {
        var tenant = await tenants.SetPausedAsync(tenantId, paused, ct).ConfigureAwait(false);
        return OperatorResults.Json(TenantStatus.Summary(tenant));
    }

    private static async Task<IResult> ResetWatermarkAsync(
        string tenantId, string kind, HttpContext context, OperatorActions actions, OperatorAccess access, CancellationToken ct)
    {
        if (!EntityKinds.TryParse(kind, out _))
        {
            return OperatorResults.Invalid("The request is invalid.", "kind", $"'{kind}' is not one of {EntityKinds.Names}");
        }

        var (body, errors) = await OperatorResults.ReadBodyAsync<WatermarkResetRequest>(context.Request, ct).ConfigureAwait(false);
        if (body is null)
        {
            return OperatorResults.Invalid("The request is invalid.", errors);
        }

        return OperatorResults.Outcome(
            await actions.ResetWatermarkAsync(tenantId, kind, body.Watermark, access.Who(context.User), body.Reason, ct).ConfigureAwait(false));
    }
}

/// <summary>Entity kinds as they appear in URLs (<c>customer</c>, <c>vendor</c>, <c>contact</c>, <c>employee</c>).</summary>
internal static class EntityKinds
{
    public static string Names => string.Join(", ", Enum.GetValues<EntityKind>().Select(k => k.ToString().ToLowerInvariant()));

    public static bool TryParse(string value, out EntityKind kind) =>
        Enum.TryParse(value, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(value, out _);
}
