using System.Text.RegularExpressions;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Ports;
using Dapr.Client;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>A request that passed the common checks: the raw body (within the limit) and the tenant's secret.</summary>
internal sealed record TenantWebhookRequest(byte[] Body, string Secret);

/// <summary>
/// The checks both webhook endpoints make before their own: a valid tenant id (else 404), a body within
/// <see cref="WebhookReceiverOptions.MaxBodyBytes"/> (else 413), the tenant's secret in the secret store (absent: 404;
/// store unreachable: 503). Also the publish step with its deadline. Nothing here logs the body or the secret.
/// </summary>
internal static partial class TenantWebhook
{
    public static async Task<(TenantWebhookRequest? Request, IResult? Refusal)> AcceptAsync(
        string kind, string tenant, HttpRequest request, ISecretSource secrets, string secretName,
        WebhookReceiverOptions o, ILogger logger, CancellationToken cancellationToken)
    {
        if (!IsTenantId(tenant))
        {
            logger.LogWarning("{Kind} refused: the tenant id in the path is not valid", kind);
            return (null, Results.NotFound());
        }

        var body = await RequestBody.ReadAsync(request, o.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            logger.LogWarning("{Kind} for tenant {TenantId} refused: body larger than {MaxBytes} bytes", kind, tenant, o.MaxBodyBytes);
            return (null, Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }

        string? secret;
        try
        {
            using var deadline = Deadline(o, cancellationToken);
            secret = await secrets.GetSecretAsync(secretName, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "{Kind} for tenant {TenantId} not accepted: the secret store could not be read", kind, tenant);
            return (null, Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        }

        if (secret is null)
        {
            logger.LogWarning("{Kind} refused: tenant {TenantId} has no secret in the store (unknown tenant)", kind, tenant);
            return (null, Results.NotFound());
        }

        return (new TenantWebhookRequest(body, secret), null);
    }

    /// <summary>Publishes on the connector's pub/sub within the sidecar deadline; false (logged) when it failed.</summary>
    public static async Task<bool> TryPublishAsync<T>(
        DaprClient dapr, string topic, T data, WebhookReceiverOptions o, ILogger logger, string tenant, CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = Deadline(o, cancellationToken);
            await dapr.PublishEventAsync(DaprNames.Components.PubSub, topic, data, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Publishing on {Topic} for tenant {TenantId} failed", topic, tenant);
            return false;
        }
    }

    public static bool IsTenantId(string? tenant) => tenant is not null && TenantIdPattern().IsMatch(tenant);

    public static CancellationTokenSource Deadline(WebhookReceiverOptions o, CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(o.SidecarCallTimeout);
        return cts;
    }

    // Tenant ids as TenantValidator allows them: lower-case letters, digits and '-' (1-63).
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();
}
