using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.ServiceDefaults;
using AcumaticaZendesk.Sync.Tenants;
using Dapr.Client;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>A request that passed the common checks: the raw body (within the limit) and the tenant's secrets (current first, then previous).</summary>
internal sealed record TenantWebhookRequest(byte[] Body, IReadOnlyList<string> Secrets);

/// <summary>
/// The checks both webhook endpoints make before their own: a valid tenant id and a credential header (else 401,
/// before any secret is read), a body within <see cref="WebhookReceiverOptions.MaxBodyBytes"/> (else 413), the
/// tenant's secrets through <see cref="WebhookSecretCache"/> (absent: 401 as well, so an unknown tenant looks like a
/// wrong signature; store unreachable: 503). Also the publish step with its deadline. Nothing here logs the body or the secret.
/// </summary>
internal static class TenantWebhook
{
    public static async Task<(TenantWebhookRequest? Request, IResult? Refusal)> AcceptAsync(
        string kind, string tenant, HttpRequest request, WebhookSecretCache secrets, RotatedSecret secretNames, bool hasCredential,
        WebhookReceiverOptions o, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        if (!TenantIds.IsValid(tenant))
        {
            logger.LogWarning("{Kind} refused: the tenant id in the path is not valid", kind);
            return (null, Results.Unauthorized());
        }

        if (!hasCredential)
        {
            logger.LogWarning("{Kind} for tenant {TenantId} refused: no signature or secret header", kind, tenant);
            return (null, Results.Unauthorized());
        }

        var body = await RequestBody.ReadAsync(request, o.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            logger.LogWarning("{Kind} for tenant {TenantId} refused: body larger than {MaxBytes} bytes", kind, tenant, o.MaxBodyBytes);
            return (null, Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }

        IReadOnlyList<string> secret;
        try
        {
            using var deadline = Deadline(o, time, cancellationToken);
            secret = await secrets.GetAsync(secretNames.Current, secretNames.Previous, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "{Kind} for tenant {TenantId} not accepted: the secret store could not be read", kind, tenant);
            return (null, Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        }

        if (secret.Count == 0)
        {
            logger.LogWarning("{Kind} refused: tenant {TenantId} has no secret in the store (unknown tenant)", kind, tenant);
            return (null, Results.Unauthorized());
        }

        return (new TenantWebhookRequest(body, secret), null);
    }

    /// <summary>Publishes on the connector's pub/sub within the sidecar deadline; false (logged) when it failed.</summary>
    public static async Task<bool> TryPublishAsync<T>(
        DaprClient dapr, string topic, T data, WebhookReceiverOptions o, TimeProvider time, ILogger logger, string tenant, CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = Deadline(o, time, cancellationToken);
            await dapr.PublishEventAsync(DaprNames.Components.PubSub, topic, data, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Publishing on {Topic} for tenant {TenantId} failed", topic, tenant);
            return false;
        }
    }

    /// <summary>The deadline of one sidecar call, measured on the injected clock (fake time drives it in tests).</summary>
    public static Deadline Deadline(WebhookReceiverOptions o, TimeProvider time, CancellationToken cancellationToken) =>
        new(o.SidecarCallTimeout, time, cancellationToken);
}
