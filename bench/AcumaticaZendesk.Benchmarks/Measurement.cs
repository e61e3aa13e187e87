using System.Diagnostics;
using AcumaticaZendesk.Sandbox.Infrastructure;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>
/// What one phase cost: wall time, requests by endpoint on both sides, 429s and waits. <c>ZendeskRequests</c> is the
/// connector's own count (every attempt of its API client); <c>SandboxZendeskApiRequests</c> the sandbox's count of
/// the API requests it answered (<c>/api/v2/</c>), <c>SandboxZendeskRequests</c> with OAuth token requests too.
/// </summary>
public sealed record PhaseMeasurement(
    double WallSeconds,
    IReadOnlyDictionary<string, long> ZendeskRequestsByEndpoint,
    long ZendeskRequests,
    long ZendeskWrites,
    long ZendeskRateLimited,
    double ZendeskThrottleWaitSeconds,
    double ZendeskRetryWaitSeconds,
    IReadOnlyDictionary<string, long> AcumaticaRequestsByEndpoint,
    long AcumaticaRequests,
    long SandboxZendeskRequests,
    long SandboxZendeskApiRequests,
    double RequestsAtLimitSeconds)
{
    /// <summary>
    /// The time this phase costs under a sustained rate limit: the wall time, but at least its Zendesk requests at the
    /// limit. The sandbox (like Zendesk) counts requests in fixed one-minute windows, so a phase shorter than a minute
    /// can burst above the limit; a real multi-minute load cannot. Charging every phase at least requests ÷ limit keeps
    /// a short benchmark from beating the bound by bursting, for the engine and the naive strategy alike.
    /// </summary>
    public double EffectiveSeconds => Math.Max(WallSeconds, RequestsAtLimitSeconds);

    /// <summary>The connector's state-store calls during the phase, each a sidecar round trip in production (<see cref="LatentStateStore"/>).</summary>
    public long StateCalls { get; init; }

    /// <summary>
    /// Onboarding lookups: the account's organizations/users listed once per run (cursor pages of 100) and any
    /// per-record searches (organizations by name, users by e-mail) the engine still makes.
    /// </summary>
    public long OnboardingSearches => ZendeskRequestsByEndpoint
        .Where(kv => kv.Key is "organizations.search_name" or "users.search_email" or "organizations.list" or "users.list").Sum(kv => kv.Value);

    /// <summary>Logical client endpoints that change Zendesk (creates, updates, identities).</summary>
    public static bool IsWrite(string endpoint) =>
        endpoint.Contains("create", StringComparison.Ordinal) || endpoint.Contains("update", StringComparison.Ordinal)
        || endpoint.Contains("make_primary", StringComparison.Ordinal);
}

/// <summary>Takes the Zendesk client's metrics and the sandbox's request log before a phase and the difference after.</summary>
internal sealed class PhaseMeter
{
    private readonly ZendeskClientMetrics _metrics;
    private readonly RequestLog _log;
    private readonly ZendeskMetricsSnapshot _zendeskBefore;
    private readonly IReadOnlyDictionary<string, long> _sandboxBefore;
    private readonly Stopwatch _clock;
    private readonly LatentStateStore _state;
    private readonly long _stateBefore;

    private PhaseMeter(ZendeskClientMetrics metrics, RequestLog log, LatentStateStore state)
    {
        _metrics = metrics;
        _log = log;
        _state = state;
        _stateBefore = state.Operations;
        _zendeskBefore = metrics.Snapshot();
        _sandboxBefore = log.Counts();
        _clock = Stopwatch.StartNew();
    }

    public static PhaseMeter Start(ConnectorServices connector, RequestLog log) => new(connector.ZendeskMetrics, log, connector.StateCalls);

    public PhaseMeasurement Stop(int rateLimitPerMinute)
    {
        var wall = _clock.Elapsed.TotalSeconds;
        var zendesk = _metrics.Snapshot();
        var byEndpoint = Diff(zendesk.RequestsByEndpoint, _zendeskBefore.RequestsByEndpoint);
        var sandbox = Diff(_log.Counts(), _sandboxBefore);
        var acumatica = sandbox.Where(kv => kv.Key.Contains(" /acumatica/", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new PhaseMeasurement(
            wall,
            byEndpoint,
            byEndpoint.Values.Sum(),
            byEndpoint.Where(kv => PhaseMeasurement.IsWrite(kv.Key)).Sum(kv => kv.Value),
            zendesk.RateLimited - _zendeskBefore.RateLimited,
            (zendesk.ThrottleWait - _zendeskBefore.ThrottleWait).TotalSeconds,
            (zendesk.RetryWait - _zendeskBefore.RetryWait).TotalSeconds,
            acumatica,
            acumatica.Values.Sum(),
            sandbox.Where(kv => kv.Key.Contains(" /zendesk/", StringComparison.Ordinal)).Sum(kv => kv.Value),
            sandbox.Where(kv => kv.Key.Contains(" /zendesk/", StringComparison.Ordinal)
                && kv.Key.Contains("/api/v2/", StringComparison.Ordinal)).Sum(kv => kv.Value),
            byEndpoint.Values.Sum() * 60.0 / rateLimitPerMinute)
        {
            StateCalls = _state.Operations - _stateBefore,
        };
    }

    private static SortedDictionary<string, long> Diff(IReadOnlyDictionary<string, long> after, IReadOnlyDictionary<string, long> before)
    {
        var diff = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in after)
        {
            var d = value - (before.TryGetValue(key, out var b) ? b : 0);
            if (d > 0)
                diff[key] = d;
        }

        return diff;
    }
}
