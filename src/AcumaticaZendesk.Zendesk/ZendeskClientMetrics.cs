using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AcumaticaZendesk.Zendesk;

/// <summary>
/// Counters of every Zendesk client in the process (a singleton): requests by endpoint, 429s, retries, and
/// time spent waiting on the rate budget, Retry-After and back-off. Exported as the
/// <c>AcumaticaZendesk.Zendesk</c> meter and readable as a <see cref="Snapshot"/> for benchmarks.
/// </summary>
public sealed class ZendeskClientMetrics : IDisposable
{
    public const string MeterName = "AcumaticaZendesk.Zendesk";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _retries;
    private readonly Counter<double> _waited;
    private readonly ConcurrentDictionary<string, long> _byEndpoint = new(StringComparer.Ordinal);
    private long _rateLimitedCount;
    private long _retryCount;
    private long _waitTicks;
    private long _throttleTicks;

    public ZendeskClientMetrics()
    {
        _requests = _meter.CreateCounter<long>("zendesk.client.requests", description: "HTTP requests sent to Zendesk");
        _rateLimited = _meter.CreateCounter<long>("zendesk.client.rate_limited", description: "429 answers from Zendesk");
        _retries = _meter.CreateCounter<long>("zendesk.client.retries", description: "Requests sent again after 429, 409 or 5xx");
        _waited = _meter.CreateCounter<double>("zendesk.client.wait", unit: "s", description: "Time waited on rate limits and back-off");
    }

    internal void Request(string endpoint, int status)
    {
        _byEndpoint.AddOrUpdate(endpoint, 1, (_, n) => n + 1);
        _requests.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("status", status));
    }

    internal void RateLimited(string endpoint)
    {
        Interlocked.Increment(ref _rateLimitedCount);
        _rateLimited.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
    }

    internal void Retry(string endpoint, TimeSpan wait)
    {
        Interlocked.Increment(ref _retryCount);
        Interlocked.Add(ref _waitTicks, wait.Ticks);
        _retries.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
        _waited.Add(wait.TotalSeconds, new KeyValuePair<string, object?>("reason", "retry"));
    }

    internal void Throttled(TimeSpan wait)
    {
        Interlocked.Add(ref _throttleTicks, wait.Ticks);
        _waited.Add(wait.TotalSeconds, new KeyValuePair<string, object?>("reason", "budget"));
    }

    /// <summary>The totals so far.</summary>
    public ZendeskMetricsSnapshot Snapshot() => new(
        new Dictionary<string, long>(_byEndpoint, StringComparer.Ordinal),
        Interlocked.Read(ref _rateLimitedCount),
        Interlocked.Read(ref _retryCount),
        TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks)),
        TimeSpan.FromTicks(Interlocked.Read(ref _throttleTicks)));

    public void Dispose() => _meter.Dispose();
}

/// <summary>Totals from <see cref="ZendeskClientMetrics.Snapshot"/>.</summary>
/// <param name="RequestsByEndpoint">Requests sent, by logical endpoint (e.g. <c>organizations.show_many</c>).</param>
/// <param name="RateLimited">429 answers received.</param>
/// <param name="Retries">Requests sent again (after 429, 409 DatabaseConflict, 5xx, network errors).</param>
/// <param name="RetryWait">Time waited before those retries (Retry-After and back-off).</param>
/// <param name="ThrottleWait">Time waited on the rate budget and the incremental-export window before sending.</param>
public sealed record ZendeskMetricsSnapshot(
    IReadOnlyDictionary<string, long> RequestsByEndpoint,
    long RateLimited,
    long Retries,
    TimeSpan RetryWait,
    TimeSpan ThrottleWait)
{
    public long TotalRequests => RequestsByEndpoint.Values.Sum();
}
