using AcumaticaZendesk.Operator.Actions;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AcumaticaZendesk.Operator.Endpoints;

/// <summary>The answer of a replay: its run id, counts and each record's outcome.</summary>
public sealed record ReplayView(string TenantId, string RunId, int Succeeded, int Failed, IReadOnlyList<PlannedItem> Items);

internal static class RecordEndpoints
{
    public static void Map(RouteGroupBuilder tenant)
    {
        tenant.MapGet("/records/{kind}/{key}", async (string tenantId, string kind, string key, AuditTrail audit, CancellationToken ct) =>
            {
                if (!EntityKinds.TryParse(kind, out var entityKind))
                {
                    return (IResult)OperatorResults.Invalid("The request is invalid.", "kind", $"'{kind}' is not one of {EntityKinds.Names}");
                }

                var history = await audit.GetAsync(tenantId, entityKind, key, ct).ConfigureAwait(false);
                return history is null
                    ? OperatorResults.NotFound($"Tenant '{tenantId}' has no audit trail for {entityKind.ToString().ToLowerInvariant()} '{key}'.")
                    : OperatorResults.Json(history);
            })
            .WithName("RecordTrail").WithSummary("A record's audit trail by kind + Acumatica key (newest first).")
            .Produces<RecordHistory>().ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem();
        tenant.MapGet("/zendesk/{type}/{zendeskId:long}", async (string tenantId, string type, long zendeskId, AuditTrail audit, CancellationToken ct) =>
            {
                if (type is not (AuditTrail.OrganizationType or AuditTrail.UserType))
                {
                    return (IResult)OperatorResults.Invalid("The request is invalid.", "type", $"'{type}' is not one of organization, user");
                }

                var histories = await audit.FindByZendeskIdAsync(tenantId, type, zendeskId, ct).ConfigureAwait(false);
                return histories.Count == 0
                    ? OperatorResults.NotFound($"Tenant '{tenantId}' wrote no record to Zendesk {type} {zendeskId}.")
                    : OperatorResults.Json(histories);
            })
            .WithName("ZendeskRecordTrail").WithSummary("The audit trails of the records written to a Zendesk organization or user.")
            .Produces<IReadOnlyList<RecordHistory>>().ProducesProblem(StatusCodes.Status404NotFound);
        tenant.MapGet("/failed", async (string tenantId, FailedRecordQueue failed, CancellationToken ct) =>
                OperatorResults.Json(await failed.ListAsync(tenantId, ct).ConfigureAwait(false)))
            .WithName("ListFailed").WithSummary("The tenant's failed records waiting for replay.")
            .Produces<IReadOnlyList<FailedRecord>>();
        tenant.MapPost("/failed/replay", ReplayAsync)
            .WithName("ReplayFailed").WithSummary(
                "Replays a selection ({\"records\":[{\"kind\":\"customer\",\"key\":\"C1\"}]}) or all failed records ({\"all\":true}).")
            .Accepts<ReplayRequest>("application/json")
            .Produces<ReplayView>().ProducesValidationProblem();
        tenant.MapPost("/records/{kind}/{key}/replay", async (string tenantId, string kind, string key, OperatorActions actions, CancellationToken ct) =>
            {
                if (!EntityKinds.TryParse(kind, out var entityKind))
                {
                    return (IResult)OperatorResults.Invalid("The request is invalid.", "kind", $"'{kind}' is not one of {EntityKinds.Names}");
                }

                return OperatorResults.Json(await actions.ReplayAsync(tenantId, [new RecordRef(entityKind, key)], ct).ConfigureAwait(false));
            })
            .WithName("ReplayRecord").WithSummary("Replays one record: re-reads it from Acumatica and writes it to Zendesk.")
            .Produces<ReplayView>().ProducesValidationProblem();
    }

    private static async Task<IResult> ReplayAsync(string tenantId, HttpContext context, OperatorActions actions, CancellationToken ct)
    {
        var (body, errors) = await OperatorResults.ReadBodyAsync<ReplayRequest>(context.Request, ct).ConfigureAwait(false);
        if (body is null)
        {
            return OperatorResults.Invalid("The request is invalid.", errors);
        }

        var selection = body.Records ?? [];
        if (body.All == selection.Count > 0)
        {
            return OperatorResults.Invalid("The request is invalid.", "records", "give either a non-empty list of records or all: true");
        }

        for (var i = 0; i < selection.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(selection[i].Key))
            {
                return OperatorResults.Invalid("The request is invalid.", $"records[{i}].key", "is required");
            }
        }

        return OperatorResults.Json(await actions.ReplayAsync(tenantId, body.All ? null : selection.ToArray(), ct).ConfigureAwait(false));
    }
}
