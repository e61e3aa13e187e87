using AcumaticaZendesk.Connectors.Credentials;
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

    private static async Task<IResult> CreateAsync(HttpContext context, TenantRepository tenants, OperatorAccess access, CancellationToken ct)
    {
        var (config, errors) = await OperatorResults.ReadBodyAsync<TenantConfig>(context.Request, ct).ConfigureAwait(false);
        if (config is null)
        {
            return OperatorResults.Invalid("The tenant configuration is invalid.", errors);
        }

        if (!access.CanAccess(context.User, config.Id))
        {
            return OperatorResults.Problem(StatusCodes.Status403Forbidden, "Forbidden", $"This credential may not manage tenant '{config.Id}'.");
        }

        if (!access.IsAdmin(context.User))
        {
            return OperatorResults.Problem(StatusCodes.Status403Forbidden, "Forbidden", TenantDestinations.AdminOnly);
        }

        if (await tenants.GetAsync(config.Id, ct).ConfigureAwait(false) is not null)
        {
            return OperatorResults.Problem(StatusCodes.Status409Conflict, "Tenant exists", $"Tenant '{config.Id}' already exists; use PUT /operator/v1/tenants/{config.Id} to change it.");
        }

        var saved = config with { Authorization = null };
        await tenants.SaveAsync(saved, ct).ConfigureAwait(false);
        return TypedResults.Json(saved, Sync.Json.SyncJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(
        string tenantId, HttpContext context, TenantRepository tenants, OperatorAccess access, TenantTokens tokens, CancellationToken ct)
    {
        var (config, errors) = await OperatorResults.ReadBodyAsync<TenantConfig>(context.Request, ct).ConfigureAwait(false);
        if (config is null)
        {
            return OperatorResults.Invalid("The tenant configuration is invalid.", errors);
        }

        if (config.Id != tenantId)
        {
            return OperatorResults.Invalid("The tenant configuration is invalid.", "id", $"must equal the tenant in the URL ('{tenantId}'); a tenant cannot be renamed");
        }

        var existing = await tenants.GetAsync(tenantId, ct).ConfigureAwait(false);
        var moved = TenantDestinations.Changed(existing, config);
        if (moved.Count > 0 && !access.IsAdmin(context.User))
        {
            return OperatorResults.Problem(StatusCodes.Status403Forbidden, "Forbidden", TenantDestinations.AdminOnly);
        }

        // Tokens of a moved system go before and after the save: none granted for the old server reaches the new one,
        // not even one a run refreshed meanwhile.
        var store = await tokens.GetStoreAsync(ct).ConfigureAwait(false);
        await TenantDestinations.DropTokensAsync(store, tenantId, moved, ct).ConfigureAwait(false);
        var saved = config with { Authorization = existing?.Authorization };
        await tenants.SaveAsync(saved, ct).ConfigureAwait(false);
        await TenantDestinations.DropTokensAsync(store, tenantId, moved, ct).ConfigureAwait(false);

        return OperatorResults.Json(saved, existing is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> ShowAsync(
        string tenantId, TenantRepository tenants, CheckpointStore checkpoints, RunStore runs, FailedRecordQueue failed, TenantTokens tokens, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(tenantId, ct).ConfigureAwait(false);
        if (tenant is null)
        {
            return OperatorResults.NotFound($"Tenant '{tenantId}' does not exist.");
        }

        var watermarks = new List<WatermarkView>();
        foreach (var kind in Enum.GetValues<EntityKind>().Where(tenant.IsEnabled))
        {
            watermarks.Add(await WatermarkAsync(tenantId, kind, checkpoints, ct).ConfigureAwait(false));
        }

        var lastRun = (await runs.ListAsync(tenantId, 1, ct).ConfigureAwait(false)).FirstOrDefault();
        var connections = new List<ConnectionView>();
        var store = await tokens.GetStoreAsync(ct).ConfigureAwait(false);
        foreach (var system in Enum.GetValues<ConnectedSystem>())
        {
            var set = await store.GetAsync(tenantId, system, ct).ConfigureAwait(false);
            connections.Add(new ConnectionView(system, set is not null, set?.AccessTokenExpiresAt, set?.Scope));
        }

        var failedCount = (await failed.ListAsync(tenantId, ct).ConfigureAwait(false)).Count;
        return OperatorResults.Json(new TenantView(
            tenant.Id, TenantStatus.Of(tenant), tenant.Schedule, tenant.Authorization is { NeedsAuthorization: true }, tenant.Authorization,
            watermarks, lastRun, connections, failedCount, tenant));
    }

    private static async Task<IResult> SetPausedAsync(string tenantId, bool paused, TenantRepository tenants, CancellationToken ct)
    {
        var tenant = await tenants.SetPausedAsync(tenantId, paused, ct).ConfigureAwait(false);
        return OperatorResults.Json(TenantStatus.Summary(tenant));
    }

    private static async Task<IResult> ResetWatermarkAsync(
        string tenantId, string kind, HttpContext context, TenantRepository tenants, CheckpointStore checkpoints, OperatorAccess access, CancellationToken ct)
    {
        if (!EntityKinds.TryParse(kind, out var entityKind))
        {
            return OperatorResults.Invalid("The request is invalid.", "kind", $"'{kind}' is not one of {EntityKinds.Names}");
        }

        var (body, errors) = await OperatorResults.ReadBodyAsync<WatermarkResetRequest>(context.Request, ct).ConfigureAwait(false);
        if (body is null)
        {
            return OperatorResults.Invalid("The request is invalid.", errors);
        }

        if (string.IsNullOrWhiteSpace(body.Reason))
        {
            return OperatorResults.Invalid("The request is invalid.", "reason", "is required: say why the watermark is moved (it is recorded with your name)");
        }

        var tenant = await tenants.GetRequiredAsync(tenantId, ct).ConfigureAwait(false);
        if (!tenant.IsEnabled(entityKind))
        {
            return OperatorResults.Invalid("The request is invalid.", "kind", $"'{kind}' is not synced for tenant '{tenantId}' (see entityKinds)");
        }

        await checkpoints.ResetAsync(tenantId, entityKind, body.Watermark, access.Who(context.User), body.Reason.Trim(), ct).ConfigureAwait(false);
        return OperatorResults.Json(await WatermarkAsync(tenantId, entityKind, checkpoints, ct).ConfigureAwait(false));
    }

    private static async Task<WatermarkView> WatermarkAsync(string tenantId, EntityKind kind, CheckpointStore checkpoints, CancellationToken ct)
    {
        var checkpoint = (await checkpoints.GetAsync(tenantId, kind, ct).ConfigureAwait(false)).Value!;
        var history = await checkpoints.GetHistoryAsync(tenantId, kind, ct).ConfigureAwait(false);
        return new WatermarkView(kind, checkpoint.Watermark, checkpoint.InitialLoadCompleted, checkpoint.WindowStartedAt is not null,
            checkpoint.Skip, checkpoint.LastCommittedAt, checkpoint.LastRunId, history);
    }
}

/// <summary>Entity kinds as they appear in URLs (<c>customer</c>, <c>vendor</c>, <c>contact</c>, <c>employee</c>).</summary>
internal static class EntityKinds
{
    public static string Names => string.Join(", ", Enum.GetValues<EntityKind>().Select(k => k.ToString().ToLowerInvariant()));

    public static bool TryParse(string value, out EntityKind kind) =>
        Enum.TryParse(value, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(value, out _);
}
