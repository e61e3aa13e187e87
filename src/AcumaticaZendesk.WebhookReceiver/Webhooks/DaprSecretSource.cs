using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Ports;
using Dapr;
using Dapr.Client;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>
/// <see cref="ISecretSource"/> over the Dapr secret store <c>Connectors:Secrets:StoreName</c> (default
/// <see cref="DaprNames.Components.SecretStore"/>; Azure Container Apps names the receiver's own store there, because
/// its components are per environment and each carries one identity). Logical names use ':' (see
/// <see cref="SecretNames"/>); the store spells it <c>Connectors:Secrets:NestedSeparator</c> (default "--").
/// Both are the settings the worker's connectors read. No cache here: the
/// webhook endpoints read through <see cref="WebhookSecretCache"/>.
/// A secret the store does not have reads as null; any other failure (sidecar down) throws.
/// </summary>
public sealed class DaprSecretSource(DaprClient dapr, IConfiguration configuration) : ISecretSource
{
    public const string SeparatorKey = "Connectors:Secrets:NestedSeparator";

    public const string StoreNameKey = "Connectors:Secrets:StoreName";

    private readonly string separator = configuration[SeparatorKey] is { Length: > 0 } s ? s : "--";

    private readonly string storeName = configuration[StoreNameKey] is { } n && !string.IsNullOrWhiteSpace(n) ? n : DaprNames.Components.SecretStore;

    public string StoreKey(string name) => name.Replace(":", separator, StringComparison.Ordinal);

    public async Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = StoreKey(name);
        try
        {
            var values = await dapr.GetSecretAsync(storeName, key, cancellationToken: cancellationToken).ConfigureAwait(false);
            return values.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;
        }
        catch (DaprException ex) when (IsNotFound(ex))
        {
            return null;
        }
    }

    // daprd reports a missing key as an error whose text says so ("secret not found", "not found in store", …).
    private static bool IsNotFound(Exception ex) =>
        (ex.InnerException?.Message ?? ex.Message).Contains("not found", StringComparison.OrdinalIgnoreCase);
}
