using System.Security.Cryptography;
using System.Text;
using AcumaticaZendesk.Sync.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.Auth;

/// <summary>A configured key whose value was found in the secret store (only its SHA-256 is kept).</summary>
internal sealed record ApiKeyEntry(string Name, string? Tenant, byte[] Hash);

/// <summary>
/// The operator API keys: names and scopes from configuration, values from the secret store (cached for
/// <see cref="OperatorOptions.ApiKeyCacheDuration"/>). Matching compares SHA-256 hashes in constant time
/// and always looks at every key, so timing tells nothing about which key (or how much of it) matched.
/// </summary>
internal sealed partial class ApiKeyRegistry(
    ISecretSource secrets, IOptions<OperatorOptions> options, TimeProvider timeProvider, ILogger<ApiKeyRegistry> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<ApiKeyEntry> _keys = [];
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public async Task<ApiKeyEntry?> MatchAsync(string presented, CancellationToken cancellationToken)
    {
        var keys = await GetKeysAsync(cancellationToken).ConfigureAwait(false);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiKeyEntry? match = null;
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                match ??= key;
            }
        }

        return match;
    }

    private async Task<IReadOnlyList<ApiKeyEntry>> GetKeysAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (timeProvider.GetUtcNow() - _loadedAt < o.ApiKeyCacheDuration)
        {
            return _keys;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (timeProvider.GetUtcNow() - _loadedAt < o.ApiKeyCacheDuration)
            {
                return _keys;
            }

            var keys = new List<ApiKeyEntry>();
            foreach (var configured in o.ApiKeys)
            {
                var value = await secrets.GetSecretAsync(configured.SecretName, cancellationToken).ConfigureAwait(false);
                if (string.IsNullOrEmpty(value))
                {
                    LogMissingKey(logger, configured.Name, configured.SecretName);
                    continue;
                }

                keys.Add(new ApiKeyEntry(configured.Name, configured.Tenant, SHA256.HashData(Encoding.UTF8.GetBytes(value))));
            }

            _keys = keys;
            _loadedAt = timeProvider.GetUtcNow();
            return keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operator API key {KeyName} is configured but the secret {SecretName} is missing or empty; the key is "
        + "disabled")]
    private static partial void LogMissingKey(ILogger logger, string keyName, string secretName);
}
