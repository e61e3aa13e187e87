using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using YamlDotNet.RepresentationModel;

namespace AcumaticaZendesk.StandIn;

/// <summary>A retry policy of a Dapr Resiliency spec (dapr/kit <c>retry/retry.go</c>, backoff defaults of cenkalti/backoff).</summary>
public sealed record RetryPolicy(bool Exponential, TimeSpan Duration, TimeSpan InitialInterval, double Multiplier, TimeSpan MaxInterval, int MaxRetries)
{
    /// <summary>cenkalti/backoff's <c>DefaultRandomizationFactor</c>: an exponential wait is drawn from interval × [0.5, 1.5].</summary>
    public const double RandomizationFactor = 0.5;

    /// <summary>The pause before retry number <paramref name="retry"/> (1-based), without randomisation.</summary>
    public TimeSpan Delay(int retry)
    {
        if (!Exponential)
        {
            return Duration;
        }

        var ms = InitialInterval.TotalMilliseconds * Math.Pow(Multiplier, retry - 1);
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxInterval.TotalMilliseconds));
    }

    /// <summary>
    /// The longest a call under this policy can take from its first attempt to its last answer: every attempt running
    /// into <paramref name="attemptTimeout"/> and every wait at its randomised maximum. Null when it has no bound (no
    /// timeout per attempt, or retries without end).
    /// </summary>
    public TimeSpan? WorstCaseWindow(TimeSpan? attemptTimeout)
    {
        if (attemptTimeout is not { } timeout || MaxRetries < 0)
        {
            return null;
        }

        var waits = TimeSpan.Zero;
        for (var retry = 1; retry <= MaxRetries; retry++)
        {
            waits += Exponential ? Delay(retry) * (1 + RandomizationFactor) : Delay(retry);
        }

        return (timeout * (MaxRetries + 1)) + waits;
    }
}

/// <summary>A circuit breaker of a Dapr Resiliency spec (dapr <c>pkg/resiliency/breaker/circuitbreaker.go</c> over sony/gobreaker).</summary>
public sealed record CircuitBreakerPolicy(string Name, int MaxRequests, TimeSpan Timeout, int ConsecutiveFailures);

/// <summary>
/// The policies of one component: outbound retry and circuit breaker (an outbound timeout is not modelled: state calls
/// are in memory), and the inbound retry and timeout per attempt that daprd applies to each pub/sub delivery to the app.
/// </summary>
public sealed record ComponentPolicy(RetryPolicy? Retry, CircuitBreakerPolicy? CircuitBreaker, RetryPolicy? InboundRetry, TimeSpan? InboundTimeout = null);

/// <summary>
/// The Dapr Resiliency spec the stand-in applies (by default the repository's <c>components/resiliency.yaml</c>): which
/// policies guard which component. Only what the spec uses is read: named timeouts, <c>constant</c>/<c>exponential</c>
/// retries, circuit breakers tripping on <c>consecutiveFailures &gt;= N</c>; anything else fails loudly.
/// </summary>
public sealed partial class SidecarResiliency
{
    private readonly Dictionary<string, ComponentPolicy> components;

    private SidecarResiliency(Dictionary<string, ComponentPolicy> components) => this.components = components;

    /// <summary>No policies at all (daprd without a Resiliency resource).</summary>
    public static SidecarResiliency None { get; } = new(new Dictionary<string, ComponentPolicy>(StringComparer.Ordinal));

    /// <summary>The repository's <c>components/resiliency.yaml</c>, copied next to the test assemblies.</summary>
    public static SidecarResiliency Repository => LazyRepository.Value;

    private static readonly Lazy<SidecarResiliency> LazyRepository = new(() =>
        Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "components", "resiliency.yaml"))));

    public ComponentPolicy? For(string component) => components.GetValueOrDefault(component);

    public static SidecarResiliency Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var spec = Map(root, "spec") ?? throw new InvalidOperationException("resiliency: no spec");
        var policies = Map(spec, "policies");
        var retries = new Dictionary<string, RetryPolicy>(StringComparer.Ordinal);
        foreach (var (name, node) in Entries(Map(policies, "retries")))
        {
            retries[name] = ParseRetry(name, (YamlMappingNode)node);
        }

        var timeouts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (name, node) in Entries(Map(policies, "timeouts")))
        {
            timeouts[name] = Duration(((YamlScalarNode)node).Value)!.Value;
        }

        var breakers = new Dictionary<string, CircuitBreakerPolicy>(StringComparer.Ordinal);
        foreach (var (name, node) in Entries(Map(policies, "circuitBreakers")))
        {
            breakers[name] = ParseBreaker(name, (YamlMappingNode)node);
        }

        var result = new Dictionary<string, ComponentPolicy>(StringComparer.Ordinal);
        foreach (var (component, node) in Entries(Map(Map(spec, "targets"), "components")))
        {
            var target = (YamlMappingNode)node;
            var outbound = Map(target, "outbound");
            var inbound = Map(target, "inbound");
            result[component] = new ComponentPolicy(
                Lookup(retries, Scalar(outbound, "retry")),
                Lookup(breakers, Scalar(outbound, "circuitBreaker")),
                Lookup(retries, Scalar(inbound, "retry")),
                Timeout(timeouts, Scalar(inbound, "timeout")));
        }

        return new SidecarResiliency(result);
    }

    private static RetryPolicy ParseRetry(string name, YamlMappingNode node)
    {
        var policy = Scalar(node, "policy") ?? "constant";
        if (policy is not ("constant" or "exponential"))
        {
            throw new InvalidOperationException($"resiliency: retry '{name}' has policy '{policy}', which the stand-in does not implement");
        }

        return new RetryPolicy(
            policy == "exponential",
            Duration(Scalar(node, "duration")) ?? TimeSpan.FromSeconds(5),
            Duration(Scalar(node, "initialInterval")) ?? TimeSpan.FromMilliseconds(500),
            double.Parse(Scalar(node, "multiplier") ?? "1.5", CultureInfo.InvariantCulture),
            Duration(Scalar(node, "maxInterval")) ?? TimeSpan.FromSeconds(60),
            int.Parse(Scalar(node, "maxRetries") ?? "-1", CultureInfo.InvariantCulture));
    }

    private static CircuitBreakerPolicy ParseBreaker(string name, YamlMappingNode node)
    {
        var trip = Scalar(node, "trip") ?? string.Empty;
        var match = TripPattern().Match(trip);
        if (!match.Success)
        {
            throw new InvalidOperationException(
                $"resiliency: circuit breaker '{name}' trips on '{trip}'; the stand-in implements 'consecutiveFailures >= N' only");
        }

        return new CircuitBreakerPolicy(
            name,
            int.Parse(Scalar(node, "maxRequests") ?? "1", CultureInfo.InvariantCulture),
            Duration(Scalar(node, "timeout")) ?? TimeSpan.FromSeconds(60),
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Go duration strings as the spec uses them (<c>500ms</c>, <c>15s</c>, <c>1m</c>, <c>1h</c>), or a bare integer of
    /// milliseconds (dapr <c>pkg/resiliency/resiliency.go</c> <c>parseDuration</c>).</summary>
    public static TimeSpan? Duration(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var m = DurationPattern().Match(value);
        if (!m.Success)
        {
            throw new InvalidOperationException($"resiliency: '{value}' is not a duration the stand-in reads");
        }

        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "" => TimeSpan.FromMilliseconds(n),
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            _ => TimeSpan.FromHours(n),
        };
    }

    /// <summary>A target's timeout names a timeout policy (dapr <c>pkg/resiliency/resiliency.go</c> <c>ComponentInboundPolicy</c>).</summary>
    private static TimeSpan? Timeout(Dictionary<string, TimeSpan> named, string? name) =>
        name is null ? null : named.TryGetValue(name, out var t) ? t : throw new InvalidOperationException($"resiliency: timeout '{name}' is not defined");

    private static T? Lookup<T>(Dictionary<string, T> named, string? name)
        where T : class =>
        name is null
            ? null
            : named.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"resiliency: policy '{name}' is not defined");

    private static YamlMappingNode? Map(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    private static string? Scalar(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;

    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode? node) =>
        node is null ? [] : node.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value));

    [GeneratedRegex(@"^\s*consecutiveFailures\s*>=\s*(\d+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TripPattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h|)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}

/// <summary>
/// Runs one component call as daprd does (<c>pkg/resiliency/policy.go</c>): every attempt passes the circuit breaker,
/// which counts any error as a failure (ETag errors included: gobreaker has no other notion of success); errors that are
/// ETag errors (<c>Aborted</c>, <c>InvalidArgument</c>, <c>pkg/components/state/bulk.go</c>) or an open breaker are
/// permanent; others are retried with the policy's backoff. Waits are multiplied by <c>timeScale</c>.
/// </summary>
public sealed class ComponentCallRunner(ComponentPolicy policy, double timeScale, TimeProvider time)
{
    private readonly Lock gate = new();
    private BreakerState state = BreakerState.Closed;
    private int consecutiveFailures;
    private int halfOpenRequests;
    private int halfOpenSuccesses;
    private DateTimeOffset openUntil;
    private int trips;

    private enum BreakerState
    {
        Closed,
        Open,
        HalfOpen,
    }

    /// <summary>How many times the circuit breaker opened.</summary>
    public int Trips
    {
        get
        {
            lock (gate)
            {
                return trips;
            }
        }
    }

    private int attempts;

    /// <summary>Total attempts made (first tries and retries).</summary>
    public int Attempts => Volatile.Read(ref attempts);

    public async Task<T> RunAsync<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                return Attempt(operation);
            }
            catch (RpcException ex) when (IsRetryable(ex) && policy.Retry is { } r && (r.MaxRetries < 0 || retry < r.MaxRetries))
            {
                await Task.Delay(r.Delay(retry + 1) * timeScale, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private T Attempt<T>(Func<T> operation)
    {
        Interlocked.Increment(ref attempts);
        if (policy.CircuitBreaker is not { } cb)
        {
            return operation();
        }

        lock (gate)
        {
            var now = time.GetUtcNow();
            if (state == BreakerState.Open && now >= openUntil)
            {
                state = BreakerState.HalfOpen;
                halfOpenRequests = 0;
                halfOpenSuccesses = 0;
            }

            if (state == BreakerState.Open || (state == BreakerState.HalfOpen && halfOpenRequests >= cb.MaxRequests))
            {
                throw new RpcException(new Status(StatusCode.Internal, OpenMessage));
            }

            if (state == BreakerState.HalfOpen)
            {
                halfOpenRequests++;
            }
        }

        try
        {
            var result = operation();
            OnResult(cb, success: true);
            return result;
        }
        catch (RpcException)
        {
            OnResult(cb, success: false);
            throw;
        }
    }

    private void OnResult(CircuitBreakerPolicy cb, bool success)
    {
        lock (gate)
        {
            if (success)
            {
                consecutiveFailures = 0;
                if (state == BreakerState.HalfOpen && ++halfOpenSuccesses >= cb.MaxRequests)
                {
                    state = BreakerState.Closed;
                }

                return;
            }

            consecutiveFailures++;
            if (state == BreakerState.HalfOpen || (state == BreakerState.Closed && consecutiveFailures >= cb.ConsecutiveFailures))
            {
                state = BreakerState.Open;
                openUntil = time.GetUtcNow() + (cb.Timeout * timeScale);
                consecutiveFailures = 0;
                trips++;
            }
        }
    }

    /// <summary>The message daprd's breaker error carries (<c>breaker.ErrOpenState</c>).</summary>
    public const string OpenMessage = "circuit breaker is open";

    private static bool IsRetryable(RpcException ex) =>
        ex.StatusCode is not (StatusCode.Aborted or StatusCode.InvalidArgument) && !ex.Status.Detail.Contains(OpenMessage, StringComparison.Ordinal);
}
