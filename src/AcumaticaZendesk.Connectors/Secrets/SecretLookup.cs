using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Connectors.Secrets;

/// <summary>A secret the connector needs is not in the store; the message names the secret and the store.</summary>
public sealed class MissingSecretException(string name, string where)
    : Exception($"Secret '{name}' is missing from {where}.")
{
    public string SecretName { get; } = name;
}

internal static class SecretLookup
{
    /// <summary>Where a secret is looked up, for messages (the Dapr store names its component and key).</summary>
    public static string Describe(ISecretSource secrets, string name) =>
        secrets is DaprSecretSource dapr ? dapr.Describe(name) : "the secret store";

    public static async Task<string> RequireSecretAsync(this ISecretSource secrets, string name, CancellationToken cancellationToken) =>
        await secrets.GetSecretAsync(name, cancellationToken).ConfigureAwait(false) is { Length: > 0 } value
            ? value
            : throw new MissingSecretException(name, Describe(secrets, name));

    /// <summary>The first of <paramref name="names"/> that is set, else null.</summary>
    public static async Task<string?> FirstAsync(this ISecretSource secrets, CancellationToken cancellationToken, params string[] names)
    {
        foreach (var name in names)
        {
            if (await secrets.GetSecretAsync(name, cancellationToken).ConfigureAwait(false) is { Length: > 0 } value)
                return value;
        }

        return null;
    }
}
