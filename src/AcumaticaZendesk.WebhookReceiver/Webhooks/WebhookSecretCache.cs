using System.Collections.Concurrent;
using AcumaticaZendesk.Sync.Ports;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>
/// The webhook secrets of a tenant (current and previous, so a rotation has an overlap), read from the secret store
/// at most once per <see cref="WebhookReceiverOptions.SecretCacheDuration"/>, and "no such tenant" remembered for
/// <see cref="WebhookReceiverOptions.MissingSecretCacheDuration"/>: a flood of requests, signed or not, for known or
/// made-up tenants costs the secret store (Key Vault in Azure) one read per name and period.
/// At most <see cref="MaxEntries"/> names are kept; past that the cache starts over.
/// </summary>
public sealed class WebhookSecretCache(ISecretSource secrets, TimeProvider time, IOptions<WebhookReceiverOptions> options)
{
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (IReadOnlyList<string> Secrets, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// The secrets named <paramref name="current"/> and <paramref name="previous"/> that are set (current first);
    /// empty when neither is. Throws when the store cannot be read (nothing is cached then).
    /// </summary>
    public async Task<IReadOnlyList<string>> GetAsync(string current, string previous, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(current, out var hit) && hit.Until > now)
            return hit.Secrets;

        var found = new List<string>(2);
        foreach (var name in new[] { current, previous })
        {
            if (await secrets.GetSecretAsync(name, cancellationToken).ConfigureAwait(false) is { Length: > 0 } value)
                found.Add(value);
        }

        if (_entries.Count >= MaxEntries)
            _entries.Clear();
        var o = options.Value;
        _entries[current] = (found, now + (found.Count > 0 ? o.SecretCacheDuration : o.MissingSecretCacheDuration));
        return found;
    }
}
