using AcumaticaZendesk.Operator.Actions;
using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AcumaticaZendesk.Operator.Endpoints;

/// <summary>
/// A run: the run record (counts per kind, errors), the workflow engine's status with its custom status, the totals
/// over every kind, and per kind the progress: records read so far, and percent and time left when an earlier complete
/// read of the kind tells how many to expect (<see cref="RunEstimate"/>).
/// </summary>
public sealed record RunView(
    string TenantId, string RunId, RunRecord Run, WorkflowRunStatus? Workflow, SyncCounts Totals, IReadOnlyList<KindEstimate>? Progress = null);

internal static class RunEndpoints
{
    public static void Map(RouteGroupBuilder tenant)
    {
        tenant.MapGet("/runs", async (string tenantId, int? take, RunStore runs, CancellationToken ct) =>
                OperatorResults.Json(await runs.ListAsync(tenantId, Math.Clamp(take ?? 50, 1, RunStore.IndexLimit), ct).ConfigureAwait(false)))
            .WithName("ListRuns").WithSummary("The tenant's most recent runs, newest first (take: 1-500, default 50).")
            .Produces<IReadOnlyList<RunRecord>>();
        tenant.MapGet("/runs/{runId}", ShowAsync)
            .WithName("ShowRun").WithSummary("Run record (counts per kind, errors) plus workflow status and custom status (progress).")
            .Produces<RunView>().ProducesProblem(StatusCodes.Status404NotFound);
        tenant.MapGet("/runs/{runId}/records", async (string tenantId, string runId, int? skip, int? take, AuditTrail audit, CancellationToken ct) =>
                OperatorResults.Json(
                    await audit.GetRunRecordsAsync(tenantId, runId, Math.Max(skip ?? 0, 0), Math.Clamp(take ?? 100, 1, 1000), ct).ConfigureAwait(false)))
            .WithName("ListRunRecords").WithSummary("The records a run touched, in page order.")
            .Produces<IReadOnlyList<RecordRef>>();
        tenant.MapPost("/runs", RunNowAsync)
            .WithName("RunNow").WithSummary("Starts a run now (202 with the run id; 409 when one is in progress).")
            .Produces<RunScheduled>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status409Conflict);
        tenant.MapPost("/runs/{runId}/rerun", RerunAsync)
            .WithName("RerunRun").WithSummary("Starts a run that re-applies the windows (per kind, from → to watermark) of a past run.")
            .Produces<RunScheduled>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict);
        tenant.MapPost("/runs/{runId}/terminate", TerminateAsync)
            .WithName("TerminateRun").WithSummary("Terminates a running workflow and marks its run terminated (who and why in the run's errors).")
            .Produces<RunView>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ShowAsync(string tenantId, string runId, OperatorActions actions, CancellationToken ct) =>
        await actions.ShowRunAsync(tenantId, runId, ct).ConfigureAwait(false) is { } view
            ? OperatorResults.Json(view)
            : OperatorResults.NotFound($"Tenant '{tenantId}' has no run '{runId}'.");

    private static async Task<IResult> RunNowAsync(string tenantId, HttpContext context, OperatorActions actions, OperatorAccess access, CancellationToken ct)
    {
        var reason = await ReadReasonAsync(context, ct).ConfigureAwait(false);
        return OperatorResults.Outcome(await actions.RunNowAsync(tenantId, access.Who(context.User), reason, ct).ConfigureAwait(false));
    }

    private static async Task<IResult> RerunAsync(
        string tenantId,
        string runId,
        HttpContext context,
        OperatorActions actions,
        OperatorAccess access,
        CancellationToken ct)
    {
        var reason = await ReadReasonAsync(context, ct).ConfigureAwait(false);
        return OperatorResults.Outcome(await actions.RerunAsync(tenantId, runId, access.Who(context.User), reason, ct).ConfigureAwait(false));
    }

    private static async Task<IResult> TerminateAsync(
        string tenantId,
        string runId,
        HttpContext context,
        OperatorActions actions,
        OperatorAccess access,
        CancellationToken ct)
    {
        var reason = await ReadReasonAsync(context, ct).ConfigureAwait(false);
        return OperatorResults.Outcome(await actions.TerminateAsync(tenantId, runId, access.Who(context.User), reason, ct).ConfigureAwait(false));
    }

    private static async Task<string?> ReadReasonAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Request.ContentLength is null or 0 && !context.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            return null;
        }

        var (body, _) = await OperatorResults.ReadBodyAsync<ReasonRequest>(context.Request, ct).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(body?.Reason) ? null : body.Reason.Trim();
    }
}
