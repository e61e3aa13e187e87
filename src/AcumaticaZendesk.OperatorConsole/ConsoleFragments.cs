using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.OperatorConsole.Components.Tenant;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AcumaticaZendesk.OperatorConsole;

/// <summary>Pieces of pages that console.js fetches to keep them fresh (the same components the pages render).</summary>
internal static class ConsoleFragments
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(OperatorConsoleExtensions.BasePath + "/fragments/tenants/{tenantId}/runs/{runId}/progress",
                (string tenantId, string runId, HttpContext context, OperatorAccess access) => access.CanAccess(context.User, tenantId)
                    ? (IResult)new RazorComponentResult<RunProgressPanel>(new Dictionary<string, object?> { ["TenantId"] = tenantId, ["RunId"] = runId })
                    : Results.Problem(
                        statusCode: StatusCodes.Status403Forbidden,
                        title: "Forbidden",
                        detail: $"This credential may not see tenant '{tenantId}'."))
            .RequireAuthorization(OperatorConsoleExtensions.PolicyName);
    }
}
