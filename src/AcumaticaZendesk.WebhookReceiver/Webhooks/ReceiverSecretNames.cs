using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>A secret and the one a rotation replaced (<c>{name}-previous</c>), accepted while it is set.</summary>
public sealed record RotatedSecret(string Current, string Previous)
{
    public static RotatedSecret Of(string name) => new(name, name + "-previous");
}

/// <summary>
/// Every secret the receiver reads for a tenant, and no other: the endpoints take their names from here, and the
/// deploy tests check that the receiver's secret scoping (Kubernetes RBAC and Dapr <c>allowedSecrets</c>, the
/// Container Apps webhook vault) names exactly these.
/// </summary>
public static class ReceiverSecretNames
{
    /// <summary>The Zendesk webhook signing secret (<see cref="SecretNames.WebhookSigningSecret"/>) and its previous one.</summary>
    public static RotatedSecret ZendeskSigning(string tenantId) => RotatedSecret.Of(SecretNames.WebhookSigningSecret(tenantId));

    /// <summary>The Acumatica push secret (<see cref="SecretNames.AcumaticaPushSecret"/>) and its previous one.</summary>
    public static RotatedSecret AcumaticaPush(string tenantId) => RotatedSecret.Of(SecretNames.AcumaticaPushSecret(tenantId));

    /// <summary>All names, in the code's spelling (<c>:</c> nesting).</summary>
    public static IReadOnlyList<string> For(string tenantId) =>
        [.. new[] { ZendeskSigning(tenantId), AcumaticaPush(tenantId) }.SelectMany(s => new[] { s.Current, s.Previous })];
}
