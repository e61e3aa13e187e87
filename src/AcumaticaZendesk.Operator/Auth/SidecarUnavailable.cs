using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.Operator.Endpoints;
using Dapr;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace AcumaticaZendesk.Operator.Auth;

/// <summary>
/// The operator API without its Dapr sidecar (keys, state and workflows live behind it): <c>503</c>
/// <c>application/problem+json</c> saying what to do, never a 500 or a stack trace. The sidecar watch of the service
/// defaults logs the one warning; the answers themselves log nothing more.
/// </summary>
internal static class SidecarUnavailable
{
    public const string Title = "Dapr sidecar unavailable";

    public const string Detail =
        "The sync worker's Dapr sidecar does not answer, so the operator API cannot read its keys, state or workflows. " +
        "Start the apps with 'make run' (or 'dapr run -f .'), or set DAPR_HTTP_ENDPOINT and DAPR_GRPC_ENDPOINT to a running sidecar; " +
        "GET /health says what is missing.";

    public static IResult Problem() => OperatorResults.Problem(StatusCodes.Status503ServiceUnavailable, Title, Detail);

    /// <summary>The exception (or one inside it) comes from a sidecar that did not answer or a store behind it that failed.</summary>
    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SecretStoreUnavailableException or DaprException or RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded })
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Set on a request whose API key could not be checked because the secret store did not answer.</summary>
internal sealed class SidecarUnavailableFeature;

/// <summary>A request refused only because its key could not be checked answers <see cref="SidecarUnavailable"/>, not 401.</summary>
internal sealed class OperatorAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        return !authorizeResult.Succeeded && context.Features.Get<SidecarUnavailableFeature>() is not null
            ? SidecarUnavailable.Problem().ExecuteAsync(context)
            : fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
