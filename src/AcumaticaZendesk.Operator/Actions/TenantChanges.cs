using System.Security.Claims;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.Operator.Endpoints;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Http;

namespace AcumaticaZendesk.Operator.Actions;

/// <summary>
/// Creating and replacing a tenant's configuration, for the API (<c>POST /tenants</c>, <c>PUT /tenants/{id}</c>) and the
/// console's onboarding wizard alike: who may, what a change of destination drops, and every validation error named by
/// its field. An invalid configuration changes nothing (no save, no dropped token).
/// </summary>
internal sealed class TenantChanges(TenantRepository tenants, OperatorAccess access, TenantTokens tokens)
{
    public const string InvalidTitle = "The tenant configuration is invalid.";

    /// <summary>Creates a tenant: admin only; 409 when the id exists; the authorization state starts empty.</summary>
    public async Task<OperatorOutcome<TenantConfig>> CreateAsync(ClaimsPrincipal who, TenantConfig config, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!access.CanAccess(who, config.Id))
        {
            return OperatorOutcome<TenantConfig>.Refused(StatusCodes.Status403Forbidden, "Forbidden", $"This credential may not manage tenant '{config.Id}'.");
        }

        if (!access.IsAdmin(who))
        {
            return OperatorOutcome<TenantConfig>.Refused(StatusCodes.Status403Forbidden, "Forbidden", TenantDestinations.AdminOnly);
        }

        if (Invalid(config) is { } invalid)
        {
            return invalid;
        }

        if (await tenants.GetAsync(config.Id, ct).ConfigureAwait(false) is not null)
        {
            return OperatorOutcome<TenantConfig>.Refused(StatusCodes.Status409Conflict, "Tenant exists",
                $"Tenant '{config.Id}' already exists; use PUT /operator/v1/tenants/{config.Id} to change it.");
        }

        var saved = config with { Authorization = null };
        await tenants.SaveAsync(saved, ct).ConfigureAwait(false);
        return OperatorOutcome<TenantConfig>.Done(saved, StatusCodes.Status201Created);
    }

    /// <summary>
    /// Creates or replaces a tenant's configuration; the id cannot change and the authorization state is kept. Moving a
    /// system (instance URL, Zendesk subdomain or base URL) is admin only and drops that system's stored tokens.
    /// </summary>
    public async Task<OperatorOutcome<TenantConfig>> ReplaceAsync(ClaimsPrincipal who, string tenantId, TenantConfig config, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Id != tenantId)
        {
            return Errors([new ValidationError("id", $"must equal the tenant in the URL ('{tenantId}'); a tenant cannot be renamed")]);
        }

        var existing = await tenants.GetAsync(tenantId, ct).ConfigureAwait(false);
        var moved = TenantDestinations.Changed(existing, config);
        if (moved.Count > 0 && !access.IsAdmin(who))
        {
            return OperatorOutcome<TenantConfig>.Refused(StatusCodes.Status403Forbidden, "Forbidden", TenantDestinations.AdminOnly);
        }

        if (Invalid(config) is { } invalid)
        {
            return invalid;
        }

        // Tokens of a moved system go before and after the save: none granted for the old server reaches the new one,
        // not even one a run refreshed meanwhile.
        var store = await tokens.GetStoreAsync(ct).ConfigureAwait(false);
        await TenantDestinations.DropTokensAsync(store, tenantId, moved, ct).ConfigureAwait(false);
        var saved = config with { Authorization = existing?.Authorization };
        await tenants.SaveAsync(saved, ct).ConfigureAwait(false);
        await TenantDestinations.DropTokensAsync(store, tenantId, moved, ct).ConfigureAwait(false);
        return OperatorOutcome<TenantConfig>.Done(saved, existing is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static OperatorOutcome<TenantConfig>? Invalid(TenantConfig config) =>
        TenantValidator.Validate(config) is { Count: > 0 } errors ? Errors(errors) : null;

    private static OperatorOutcome<TenantConfig> Errors(IReadOnlyList<ValidationError> errors) =>
        new(null, StatusCodes.Status400BadRequest, InvalidTitle, string.Join("; ", errors), errors);
}
