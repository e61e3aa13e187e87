using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.Auth;

/// <summary>What the authenticated caller may see: every tenant (admin) or the tenants of its scope.</summary>
public sealed class OperatorAccess(IOptions<OperatorOptions> options)
{
    /// <summary>What <see cref="Who"/> answers for a principal without a name (never matched as an initiator).</summary>
    public const string Unknown = "unknown";

    public bool IsAdmin(ClaimsPrincipal user) => user.IsInRole(options.Value.Jwt.AdminRole);

    /// <summary>Whether the caller may see anything at all: the admin role or at least one tenant claim.</summary>
    public bool IsOperator(ClaimsPrincipal user) =>
        IsAdmin(user) || user.FindAll(options.Value.Jwt.TenantClaim).Any(c => c.Value.Length > 0);

    public bool CanAccess(ClaimsPrincipal user, string tenantId) =>
        IsAdmin(user) || user.FindAll(options.Value.Jwt.TenantClaim).Any(c => string.Equals(c.Value, tenantId, StringComparison.Ordinal));

    /// <summary>Who the caller is, as recorded on operator actions (watermark resets, runs started).</summary>
    public string Who(ClaimsPrincipal user) =>
        user.FindFirst(options.Value.Jwt.NameClaim)?.Value
        ?? user.Identity?.Name
        ?? user.FindFirst("sub")?.Value
        ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
        ?? Unknown;
}
