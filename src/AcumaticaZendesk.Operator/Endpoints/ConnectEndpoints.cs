using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.Operator.Connect;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.Endpoints;

/// <summary>Answer of a started consent: open <see cref="AuthorizeUrl"/> in a browser before <see cref="ExpiresAt"/>.</summary>
public sealed record ConnectStarted(string TenantId, ConnectedSystem System, Uri AuthorizeUrl, Uri RedirectUri, DateTimeOffset ExpiresAt);

/// <summary>Answer of a completed consent.</summary>
public sealed record ConnectCompleted(
    string TenantId,
    ConnectedSystem System,
    bool Connected,
    string? Scope,
    DateTimeOffset? AccessTokenExpiresAt,
    string Message);

internal static partial class ConnectEndpoints
{
    public const string CallbackRouteName = "OperatorConnectCallback";

    public static void Map(RouteGroupBuilder root, RouteGroupBuilder tenant)
    {
        tenant.MapPost("/connect/{system}", (string tenantId, string system, HttpContext context, ConsentStarter starter, CancellationToken ct) =>
                StartAsync(tenantId, system, context, starter, redirect: false, ct))
            .WithName("StartConnect").WithSummary("Starts the OAuth authorization-code flow (PKCE) for acumatica or zendesk; answers the authorize URL.")
            .Produces<ConnectStarted>().ProducesValidationProblem();
        tenant.MapGet("/connect/{system}", (string tenantId, string system, HttpContext context, ConsentStarter starter, CancellationToken ct) =>
                StartAsync(tenantId, system, context, starter, redirect: true, ct))
            .WithName("StartConnectRedirect").WithSummary("As POST, but redirects (302) to the authorize URL.")
            .Produces(StatusCodes.Status302Found);

        // The identity provider sends the browser here: the one-time state (bound to tenant, system and PKCE verifier,
        // with expiry) names the consent, and ConsentBinding checks that the caller is its initiator (the browser that
        // started it, by its cookie, or the initiator's own credential), so nobody completes another's consent.
        root.MapGet("/connect/{system}/callback", CallbackAsync)
            .AllowAnonymous()
            .WithName(CallbackRouteName).WithSummary(
                "OAuth redirect target: checks state (one-time, unexpired) and PKCE, stores the tokens encrypted, clears needs-authorization.")
            .Produces<ConnectCompleted>().ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> StartAsync(
        string tenantId,
        string system,
        HttpContext context,
        ConsentStarter starter,
        bool redirect,
        CancellationToken ct)
    {
        var outcome = await starter.StartAsync(context, tenantId, system, returnPath: null, ct).ConfigureAwait(false);
        return redirect && outcome.Value is { } started
            ? TypedResults.Redirect(started.AuthorizeUrl.AbsoluteUri)
            : OperatorResults.Outcome(outcome);
    }

    private static async Task<IResult> CallbackAsync(
        string system, string? code, string? state, string? error, HttpContext context, ConnectDeps deps, CancellationToken ct)
    {
        if (!ConsentStarter.TryFlow(system, deps.Flows, out var flow))
        {
            return OperatorResults.Invalid("The request is invalid.", "system", $"'{system}' is not one of acumatica, zendesk");
        }

        if (string.IsNullOrEmpty(state))
        {
            return OperatorResults.Invalid("The callback is invalid.", "state", "is missing; start the connection again");
        }

        var (pending, problem) = await deps.States.ConsumeAsync(
            state, flow.System, p => ConsentBinding.IsInitiatorAsync(context, p, deps.Access), ct).ConfigureAwait(false);
        if (problem == ConnectStateProblem.NotInitiator)
        {
            LogNotInitiator(deps.Logger, flow.System);
            return OperatorResults.Problem(StatusCodes.Status403Forbidden, "Consent started elsewhere",
                "This consent was started by another operator or in another browser, so it is not completed here and nothing was stored. " +
                "Complete it in the browser that started it (GET /operator/v1/tenants/{id}/connect/{system}), or let the operator who started it " +
                "repeat this callback URL with their own credential (X-Api-Key).");
        }

        if (pending is null)
        {
            var message = problem switch
            {
                ConnectStateProblem.Expired => "has expired; start the connection again",
                ConnectStateProblem.AlreadyUsed => "was already used; each consent can be completed once — start the connection again",
                ConnectStateProblem.WrongSystem => $"belongs to a consent for another system than {system}",
                _ => "is unknown; start the connection again",
            };
            return OperatorResults.Invalid("The callback is invalid.", "state", message);
        }

        if (!string.IsNullOrEmpty(error))
        {
            if (pending.ReturnPath is { } back)
            {
                return ReturnTo(context, back, flow.System, "refused");
            }

            return OperatorResults.Problem(StatusCodes.Status400BadRequest, "Consent refused",
                $"{flow.System} answered '{error}' for tenant '{pending.TenantId}'; nothing was stored. Start the connection again.");
        }

        if (string.IsNullOrEmpty(code))
        {
            return OperatorResults.Invalid("The callback is invalid.", "code", "is missing");
        }

        var tenant = await deps.Tenants.GetRequiredAsync(pending.TenantId, ct).ConfigureAwait(false);
        Sync.Credentials.TokenSet tokens;
        try
        {
            tokens = await flow.ExchangeCodeAsync(tenant, code, pending.RedirectUri, pending.CodeVerifier, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AcumaticaAuthenticationException or OAuthExchangeException)
        {
            if (pending.ReturnPath is { } back)
            {
                LogExchangeRefused(deps.Logger, flow.System, tenant.Id, ex.Message);
                return ReturnTo(context, back, flow.System, "exchange-refused");
            }

            return OperatorResults.Problem(StatusCodes.Status400BadRequest, "Code exchange refused", ex.Message);
        }

        var store = await deps.Tokens.GetStoreAsync(ct).ConfigureAwait(false);
        await store.SaveAsync(tenant.Id, flow.System, tokens, ct).ConfigureAwait(false);
        if (tenant.Authorization is { NeedsAuthorization: true } auth && auth.System == flow.System)
        {
            await deps.Tenants.ClearNeedsAuthorizationAsync(tenant.Id, ct).ConfigureAwait(false);
        }

        LogConnected(deps.Logger, flow.System, tenant.Id, pending.RequestedBy);
        if (pending.ReturnPath is { } returnPath)
        {
            return ReturnTo(context, returnPath, flow.System, "connected");
        }

        return OperatorResults.Json(new ConnectCompleted(tenant.Id, flow.System, true, tokens.Scope, tokens.AccessTokenExpiresAt,
            $"{flow.System} is connected for tenant '{tenant.Id}'. You can close this window."));
    }

    /// <summary>Back to the page that started the consent (a local path, checked when it was stored), saying how it went.</summary>
    private static RedirectHttpResult ReturnTo(HttpContext context, string returnPath, ConnectedSystem system, string outcome) =>
        TypedResults.Redirect($"{context.Request.PathBase}{returnPath}{(returnPath.Contains('?', StringComparison.Ordinal) ? '&' : '?')}" +
                              $"system={system.ToString().ToLowerInvariant()}&outcome={outcome}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {System} code exchange of tenant {TenantId} was refused: {Reason}")]
    private static partial void LogExchangeRefused(ILogger logger, ConnectedSystem system, string tenantId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {System} consent callback was refused: the caller is not the consent's initiator (state kept for "
        + "its initiator)")]
    private static partial void LogNotInitiator(ILogger logger, ConnectedSystem system);

    [LoggerMessage(Level = LogLevel.Information, Message = "{System} connected for tenant {TenantId} (consent started by {By}); tokens stored encrypted")]
    private static partial void LogConnected(ILogger logger, ConnectedSystem system, string tenantId, string by);
}

/// <summary>What the connect endpoints need (one parameter instead of eight).</summary>
internal sealed class ConnectDeps(
    TenantRepository tenants,
    IEnumerable<IOAuthFlow> flows,
    ConnectStateStore states,
    TenantTokens tokens,
    OperatorAccess access,
    IOptions<OperatorOptions> options,
    TimeProvider time,
    ILogger<ConnectDeps> logger)
{
    public TenantRepository Tenants { get; } = tenants;

    public IEnumerable<IOAuthFlow> Flows { get; } = flows;

    public ConnectStateStore States { get; } = states;

    public TenantTokens Tokens { get; } = tokens;

    public OperatorAccess Access { get; } = access;

    public IOptions<OperatorOptions> Options { get; } = options;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;
}
