using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Http;

namespace AcumaticaZendesk.OperatorConsole.Onboarding;

/// <summary>The tenant a wizard step works on, or why the signed-in operator gets none (the API's access rule).</summary>
public static class WizardTenant
{
    public static async Task<(TenantConfig? Tenant, string? Problem)> LoadAsync(
        HttpContext context, OperatorAccess access, TenantRepository tenants, string tenantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(tenants);
        if (!access.CanAccess(context.User, tenantId))
        {
            // 403 whether or not the tenant exists, as in the API.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return (null, $"This credential may not see tenant '{tenantId}'.");
        }

        if (await tenants.GetAsync(tenantId, ct).ConfigureAwait(false) is not { } tenant)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return (null, $"Tenant '{tenantId}' does not exist.");
        }

        return (tenant, null);
    }
}
