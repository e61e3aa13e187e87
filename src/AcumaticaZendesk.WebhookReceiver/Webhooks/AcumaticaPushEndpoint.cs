using System.Security.Cryptography;
using System.Text;
using AcumaticaZendesk.Contracts;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>
/// <c>POST /webhooks/acumatica/{tenant}</c>: an Acumatica push notification. Only the tenant's shared-secret header
/// is checked (constant time); the body is read up to the size limit and discarded. A match publishes an
/// <see cref="AcumaticaChangeSignal"/> that wakes the tenant's sync early; polling stays the source of truth.
/// </summary>
public static class AcumaticaPushEndpoint
{
    public const string Route = "/webhooks/acumatica/{tenant}";

    public static IEndpointRouteBuilder MapAcumaticaPush(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, HandleAsync);
        return endpoints;
    }

    internal static async Task<IResult> HandleAsync(
        string tenant,
        HttpRequest request,
        WebhookSecretCache secrets,
        DaprClient dapr,
        TimeProvider time,
        IOptions<WebhookReceiverOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(AcumaticaPushEndpoint));
        var o = options.Value;
        var (accepted, refusal) = await TenantWebhook.AcceptAsync(
            "Acumatica push notification", tenant, request, secrets, ReceiverSecretNames.AcumaticaPush(tenant),
            !string.IsNullOrEmpty(request.Headers[o.AcumaticaSecretHeader]), o, time, logger, cancellationToken)
            .ConfigureAwait(false);
        if (accepted is null)
        {
            return refusal!;    // nothing in the body is trusted or used; it was only drained within the limit
        }

        var presented = request.Headers[o.AcumaticaSecretHeader].ToString();
        if (!accepted.Secrets.Aggregate(false, (any, expected) => SecretsMatch(expected, presented) | any))
        {
            logger.LogWarning("Acumatica push notification for tenant {TenantId} refused: missing or wrong {Header}", tenant, o.AcumaticaSecretHeader);
            return Results.Unauthorized();
        }

        if (!await TenantWebhook.TryPublishAsync(
                dapr, DaprNames.Topics.AcumaticaChangeSignals, new AcumaticaChangeSignal(tenant, time.GetUtcNow()), o, time, logger, tenant, cancellationToken)
                .ConfigureAwait(false))
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        logger.LogInformation("Acumatica push notification for tenant {TenantId}: change signal published", tenant);
        return Results.Ok(new WebhookAnswer("published"));
    }

    /// <summary>Constant-time comparison (hashes first, so the lengths never leak either).</summary>
    internal static bool SecretsMatch(string expected, string? presented) =>
        !string.IsNullOrEmpty(presented)
        && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
