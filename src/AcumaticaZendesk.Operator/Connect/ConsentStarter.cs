using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Operator.Actions;
using AcumaticaZendesk.Operator.Endpoints;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>
/// Starts an OAuth consent (authorization code + PKCE) for a tenant, for the API's <c>…/connect/{system}</c> and the
/// console's wizard alike: a one-time state with the verifier, the initiator and an expiry in the state store, the
/// browser-binding cookie on the answer (<see cref="ConsentBinding"/>), and the authorize URL to open.
/// </summary>
internal sealed partial class ConsentStarter(ConnectDeps deps)
{
    /// <summary>
    /// Starts the consent of <paramref name="system"/> (<c>acumatica</c> or <c>zendesk</c>). With
    /// <paramref name="returnPath"/> (a path on this host, e.g. the wizard's page) the callback sends the browser there
    /// afterwards instead of answering JSON.
    /// </summary>
    public async Task<OperatorOutcome<ConnectStarted>> StartAsync(
        HttpContext context, string tenantId, string system, string? returnPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!TryFlow(system, deps.Flows, out var flow))
        {
            return OperatorOutcome<ConnectStarted>.Invalid("system", $"'{system}' is not one of acumatica, zendesk");
        }

        if (returnPath is not null && !IsLocalPath(returnPath))
        {
            return OperatorOutcome<ConnectStarted>.Invalid("returnPath", "must be a path on this host starting with a single '/'");
        }

        if (await deps.Tenants.GetAsync(tenantId, ct).ConfigureAwait(false) is not { } tenant)
        {
            return OperatorOutcome<ConnectStarted>.Refused(StatusCodes.Status404NotFound, "Not found", $"Tenant '{tenantId}' does not exist.");
        }

        var redirectUri = CallbackUri(context, deps.Options.Value, flow.System);
        var state = Pkce.NewState();
        OAuthAuthorization authorization;
        try
        {
            authorization = await flow.CreateAuthorizationAsync(tenant, redirectUri, state, ct).ConfigureAwait(false);
        }
        catch (ConnectorConfigurationException ex)
        {
            return OperatorOutcome<ConnectStarted>.Refused(StatusCodes.Status409Conflict, "OAuth client not configured", ex.Message);
        }

        var who = deps.Access.Who(context.User);
        var expiresAt = deps.Time.GetUtcNow() + deps.Options.Value.ConnectStateLifetime;
        var browserBinding = ConsentBinding.IssueCookie(context, flow.System, expiresAt);
        await deps.States.SaveAsync(state, new PendingConnect(tenant.Id, flow.System, authorization.CodeVerifier, redirectUri, who, expiresAt,
            BrowserBindingHash: browserBinding, ReturnPath: returnPath), ct).ConfigureAwait(false);
        LogStarted(deps.Logger, flow.System, tenant.Id, who);
        return OperatorOutcome<ConnectStarted>.Done(new ConnectStarted(tenant.Id, flow.System, authorization.Url, redirectUri, expiresAt));
    }

    public static bool TryFlow(string system, IEnumerable<IOAuthFlow> flows, out IOAuthFlow flow)
    {
        flow = null!;
        if (!Enum.TryParse<ConnectedSystem>(system, ignoreCase: true, out var parsed) || int.TryParse(system, out _))
        {
            return false;
        }

        flow = flows.LastOrDefault(f => f.System == parsed)!;
        return flow is not null;
    }

    /// <summary>A path on this host: one leading '/', no scheme, no host, no backslash (never another site).</summary>
    public static bool IsLocalPath(string path) =>
        path.Length is > 1 and <= 512 && path[0] == '/' && path[1] != '/' && !path.Contains('\\', StringComparison.Ordinal)
        && !path.Contains(':', StringComparison.Ordinal) && !path.Any(char.IsControl);

    private static Uri CallbackUri(HttpContext context, OperatorOptions options, ConnectedSystem system)
    {
        var path = $"{OperatorApi.RoutePrefix}/connect/{system.ToString().ToLowerInvariant()}/callback";
        var root = options.PublicBaseUrl?.AbsoluteUri.TrimEnd('/')
            ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
        return new Uri(root + path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator {By} started the {System} consent of tenant {TenantId}")]
    private static partial void LogStarted(ILogger logger, ConnectedSystem system, string tenantId, string by);
}
