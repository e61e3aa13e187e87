using System.Text.Json;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using AcumaticaZendesk.StandIn;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// In every environment the sidecar's inbound delivery window (every attempt running into the inbound timeout, every
/// retry wait at its randomised maximum) ends before the broker gives up on the handling: Redis's
/// <c>processingTimeout</c> (a message pending longer is delivered again while its first delivery still retries,
/// components-contrib <c>pubsub/redis/redis.go</c>), Service Bus's <c>handlerTimeoutInSec</c>. A window without a bound
/// (no inbound timeout, endless retries) fails too.
/// </summary>
public sealed class PubSubRetryWindowTests(BicepSnapshotFixture fixture) : IClassFixture<BicepSnapshotFixture>
{
    private const string ResiliencyPolicies = "Microsoft.App/managedEnvironments/daprComponents/resiliencyPolicies";
    private const string DaprComponents = "Microsoft.App/managedEnvironments/daprComponents";

    public static TheoryData<string> RedisTargets => ["components", "deploy/kubernetes/base/dapr"];

    [Theory]
    [MemberData(nameof(RedisTargets))]
    public void The_inbound_window_ends_within_the_redis_processing_timeout(string directory)
    {
        var resiliency = SidecarResiliency.Parse(File.ReadAllText(RepoPaths.Combine(directory, "resiliency.yaml")));
        var redelivery = RedisStreamsRedelivery.Parse(File.ReadAllText(RepoPaths.Combine(directory, "connector-pubsub.yaml")));

        var window = InboundWindow(resiliency.For(DaprNames.Components.PubSub));

        Assert.True(redelivery.Enabled, $"{directory}: redelivery is switched off, so a sidecar that dies mid-delivery loses the message");
        Assert.True(window < redelivery.ProcessingTimeout,
            $"{directory}: inbound delivery window {window?.TotalSeconds:0.#} s (null = unbounded) is not below processingTimeout "
                + $"{redelivery.ProcessingTimeout.TotalSeconds:0.#} s");
    }

    [Fact]
    public void The_inbound_window_ends_within_the_service_bus_handler_timeout_on_Container_Apps()
    {
        Assert.SkipUnless(BicepCli.Supported, "The Bicep CLI NuGet package ships a linux-x64 binary only.");
        var pubSub = Assert.Single(
            fixture.OfType(DaprComponents),
            c => c.GetProperty("name").GetString()!.EndsWith("/" + DaprNames.Components.PubSub, StringComparison.Ordinal));
        var handlerTimeout = pubSub.GetProperty("properties").GetProperty("metadata").EnumerateArray()
            .Where(m => m.GetProperty("name").GetString() == "handlerTimeoutInSec")
            .Select(m => TimeSpan.FromSeconds(int.Parse(m.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .DefaultIfEmpty(TimeSpan.FromSeconds(60))   // common/component/azure/servicebus/metadata.go defaultHandlerTimeoutInSecPubSub
            .Single();
        var policy = Assert.Single(
            fixture.OfType(ResiliencyPolicies),
            p => p.GetProperty("name").GetString()!.Contains("/" + DaprNames.Components.PubSub + "/", StringComparison.Ordinal));
        var inbound = policy.GetProperty("properties").GetProperty("inboundPolicy");

        var window = InboundWindow(ContainerAppsInbound(inbound));

        Assert.True(window < handlerTimeout,
            $"Container Apps: inbound delivery window {window?.TotalSeconds:0.#} s (null = unbounded) is not below handlerTimeoutInSec "
                + $"{handlerTimeout.TotalSeconds:0.#} s");
    }

    [Fact]
    public void Container_Apps_keeps_what_reaches_the_dead_letter_topic()
    {
        Assert.SkipUnless(BicepCli.Supported, "The Bicep CLI NuGet package ships a linux-x64 binary only.");

        // Service Bus discards what a topic without subscriptions receives.
        var subscription = Assert.Single(fixture.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions"));
        Assert.Equal(DaprNames.Topics.DeadLetters, subscription.GetProperty("name").GetString()!.Split('/')[^2]);
    }

    [Fact]
    public void The_worst_case_counts_every_attempt_at_its_timeout_and_every_wait_at_one_and_a_half_times_its_interval()
    {
        var retry = new RetryPolicy(Exponential: true, TimeSpan.Zero, TimeSpan.FromMilliseconds(500), 1.5, TimeSpan.FromSeconds(1), MaxRetries: 3);
        var constant = retry with { Exponential = false, Duration = TimeSpan.FromSeconds(2) };

        Assert.Equal(TimeSpan.FromSeconds((4 * 15) + (1.5 * (0.5 + 0.75 + 1))), retry.WorstCaseWindow(TimeSpan.FromSeconds(15)));
        Assert.Equal(TimeSpan.FromSeconds((4 * 15) + (3 * 2)), constant.WorstCaseWindow(TimeSpan.FromSeconds(15)));
        Assert.Null(retry.WorstCaseWindow(attemptTimeout: null));
        Assert.Null((retry with { MaxRetries = -1 }).WorstCaseWindow(TimeSpan.FromSeconds(15)));
    }

    private static TimeSpan? InboundWindow(ComponentPolicy? policy) =>
        policy?.InboundRetry is { } retry ? retry.WorstCaseWindow(policy.InboundTimeout) : policy?.InboundTimeout;

    /// <summary>A Container Apps inbound policy as the Dapr policy it configures (exponential backoff, cenkalti's multiplier).</summary>
    private static ComponentPolicy ContainerAppsInbound(JsonElement inbound)
    {
        TimeSpan? timeout = inbound.TryGetProperty("timeoutPolicy", out var t)
            ? TimeSpan.FromSeconds(t.GetProperty("responseTimeoutInSeconds").GetInt32())
            : null;
        RetryPolicy? retry = null;
        if (inbound.TryGetProperty("httpRetryPolicy", out var r))
        {
            var backOff = r.GetProperty("retryBackOff");
            retry = new RetryPolicy(
                Exponential: true,
                Duration: TimeSpan.Zero,
                InitialInterval: TimeSpan.FromMilliseconds(backOff.GetProperty("initialDelayInMilliseconds").GetInt32()),
                Multiplier: 1.5,
                MaxInterval: TimeSpan.FromMilliseconds(backOff.GetProperty("maxIntervalInMilliseconds").GetInt32()),
                MaxRetries: r.GetProperty("maxRetries").GetInt32());
        }

        return new ComponentPolicy(Retry: null, CircuitBreaker: null, retry, timeout);
    }
}
