using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>Static secrets (<see cref="SecretNames"/>), from the Dapr secret store <c>connector-secrets</c> (nested separator ':').</summary>
public interface ISecretSource
{
    /// <summary>The secret's value, or null when the store has no such secret.</summary>
    Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken);
}

/// <summary>Secret names. Per-tenant names win over the shared ones (the connectors' <c>SecretLookup</c> reads them in that order).</summary>
public static class SecretNames
{
    /// <summary>Shared OAuth client id of a system: <c>oauth:zendesk:client-id</c>.</summary>
    public static string OAuthClientId(ConnectedSystem system) => $"oauth:{Lower(system)}:client-id";

    /// <summary>Shared OAuth client secret of a system: <c>oauth:acumatica:client-secret</c>.</summary>
    public static string OAuthClientSecret(ConnectedSystem system) => $"oauth:{Lower(system)}:client-secret";

    /// <summary>Tenant-specific client id (Acumatica client ids carry the tenant: <c>GUID@Company</c>).</summary>
    public static string TenantOAuthClientId(string tenantId, ConnectedSystem system) => $"tenants:{tenantId}:{Lower(system)}:client-id";

    public static string TenantOAuthClientSecret(string tenantId, ConnectedSystem system) => $"tenants:{tenantId}:{Lower(system)}:client-secret";

    /// <summary>Cookie sign-in (auth mode cookie): Acumatica user name and password per tenant.</summary>
    public static string AcumaticaUserName(string tenantId) => $"tenants:{tenantId}:acumatica:username";

    public static string AcumaticaPassword(string tenantId) => $"tenants:{tenantId}:acumatica:password";

    /// <summary>Shared secret Acumatica push notifications of a tenant carry in a header (see docs/ticket-flow.md).</summary>
    public static string AcumaticaPushSecret(string tenantId) => $"tenants:{tenantId}:acumatica:push-secret";

    public static string WebhookSigningSecret(string tenantId) => $"tenants:{tenantId}:zendesk:webhook-signing-secret";

    /// <summary>Id of the current token-encryption key, e.g. <c>k2</c>.</summary>
    public const string TokenEncryptionCurrentKeyId = "token-encryption:current";

    /// <summary>All token-encryption keys: <c>k1=base64;k2=base64</c> (32-byte AES keys; old ones kept for reading).</summary>
    public const string TokenEncryptionKeys = "token-encryption:keys";

    private static string Lower(ConnectedSystem system) => system.ToString().ToLowerInvariant();
}
