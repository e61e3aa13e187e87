using System.Collections.Concurrent;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Ports;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.Secrets;

/// <summary>The secret store could not be read (sidecar down, timeout, store error). Worth retrying.</summary>
public sealed class SecretStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// <see cref="ISecretSource"/> over the Dapr secret store (<c>connector-secrets</c>), the one reader of it for both
/// apps: names such as <c>tenants:acme:acumatica:password</c> are read as <c>tenants--acme--acumatica--password</c>;
/// values are cached briefly, misses more briefly (a zero duration caches nothing; at most
/// <see cref="MaxCachedKeys"/> keys are kept, then the cache starts over); each call to the sidecar has a deadline.
/// A missing secret is null (callers fall back from a tenant's own secret to the shared one); a store failure throws
/// <see cref="SecretStoreUnavailableException"/> naming the store and key. Values are never logged.
/// </summary>
public sealed partial class DaprSecretSource(
    DaprClient dapr,
    IOptions<DaprSecretSourceOptions> options,
    TimeProvider timeProvider,
    ILogger<DaprSecretSource> logger) : ISecretSource
{
    /// <summary>Keys cached at most: the webhook receiver looks up names made of tenant ids taken from request paths.</summary>
    public const int MaxCachedKeys = 10_000;

    private readonly DaprSecretSourceOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, CachedSecret> _cache = new(StringComparer.Ordinal);

    /// <summary>The key the store is asked for.</summary>
    public string StoreKey(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name.Replace(":", _options.NestedSeparator, StringComparison.Ordinal);
    }

    /// <summary>"key 'x--y' in Dapr secret store 'connector-secrets'", for messages.</summary>
    public string Describe(string name) => $"Dapr secret store '{_options.StoreName}' (key '{StoreKey(name)}')";

    public async Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        var key = StoreKey(name);
        var now = timeProvider.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Until > now)
            return cached.Value;

        var value = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        var keep = value is null ? _options.MissingCacheDuration : _options.CacheDuration;
        if (keep > TimeSpan.Zero)
        {
            if (_cache.Count >= MaxCachedKeys)
                _cache.Clear();
            _cache[key] = new CachedSecret(value, now + keep);
        }

        if (value is null)
            LogMissing(logger, key, _options.StoreName);
        return value;
    }

    /// <summary>Forgets cached values (e.g. after an operator rotated a secret).</summary>
    public void Invalidate() => _cache.Clear();

    private async Task<string?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        Dictionary<string, string> values;
        try
        {
            values = await dapr.GetSecretAsync(_options.StoreName, key, metadata: null, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreUnavailableException(
                $"Dapr secret store '{_options.StoreName}' did not answer for key '{key}' within {_options.Timeout.TotalSeconds:0.#} s; is the Dapr sidecar "
                    + "running?",
                ex);
        }
        catch (Exception ex) when (IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (ex is DaprException or RpcException && !cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreUnavailableException(
                $"Reading key '{key}' from Dapr secret store '{_options.StoreName}' failed: {ex.GetBaseException().Message}", ex);
        }

        if (values is null || values.Count == 0)
            return null;
        if (values.TryGetValue(key, out var value))
            return value;
        if (values.Count == 1)
            return values.Values.Single();
        throw new SecretStoreUnavailableException(
            $"Key '{key}' in Dapr secret store '{_options.StoreName}' holds {values.Count} values ({string.Join(", ", values.Keys)}) and none is named "
                + $"'{key}'; store one value per key.");
    }

    /// <summary>
    /// Dapr answers a missing secret with an error (the local file store: "secret x not found", Kubernetes:
    /// "secrets \"x\" not found"; gRPC code Internal or NotFound depending on the runtime version).
    /// </summary>
    private static bool IsNotFound(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is RpcException { StatusCode: StatusCode.NotFound })
                return true;
            if (e is DaprException or RpcException
                && (e.Message.Contains("not found", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("NotFound", StringComparison.Ordinal)))
                return true;
        }

        return false;
    }

    private sealed record CachedSecret(string? Value, DateTimeOffset Until);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Secret key {Key} is not in Dapr secret store {Store}")]
    private static partial void LogMissing(ILogger logger, string key, string store);
}
