using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using AcumaticaZendesk.StandIn;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// In every environment one refused state write stays below the state store's circuit breaker: the first attempt and
/// every retry of the sidecar's state retry policy are fewer than the consecutive failures that trip it. state.postgresql
/// v2 and state.redis answer an insert that lost a race for a new key with a plain error (daprd: <c>Internal</c>,
/// retried like any failure; components-contrib <c>state/postgresql/v2/postgresql.go</c> "no item was updated",
/// <c>state/redis/redis.go</c>), so with more retries a single lost race opened the breaker and failed every
/// <c>connector-state</c> call of that sidecar, workflow state included, for its timeout (issue 24, defect 1).
/// </summary>
public sealed class StateRetryBelowBreakerTests(BicepSnapshotFixture fixture) : IClassFixture<BicepSnapshotFixture>
{
    private const string ResiliencyPolicies = "Microsoft.App/managedEnvironments/daprComponents/resiliencyPolicies";

    public static TheoryData<string> ResiliencyFiles => ["components", "deploy/kubernetes/base/dapr"];

    [Theory]
    [MemberData(nameof(ResiliencyFiles))]
    public void One_refused_state_write_does_not_trip_the_breaker(string directory)
    {
        var policy = SidecarResiliency.Parse(File.ReadAllText(RepoPaths.Combine(directory, "resiliency.yaml"))).For(DaprNames.Components.StateStore);

        var retry = Assert.IsType<RetryPolicy>(policy?.Retry);
        var breaker = Assert.IsType<CircuitBreakerPolicy>(policy?.CircuitBreaker);
        Assert.InRange(retry.MaxRetries, 0, int.MaxValue);
        Assert.True(1 + retry.MaxRetries < breaker.ConsecutiveFailures,
            $"{directory}: 1 + {retry.MaxRetries} attempts of one refused write reach the breaker's {breaker.ConsecutiveFailures} consecutive failures");
    }

    [Fact]
    public void One_refused_state_write_does_not_trip_the_breaker_on_Container_Apps()
    {
        Assert.SkipUnless(BicepCli.Supported, "The Bicep CLI NuGet package ships a linux-x64 binary only.");
        var policy = Assert.Single(
            fixture.OfType(ResiliencyPolicies),
            p => p.GetProperty("name").GetString()!.Contains("/" + DaprNames.Components.StateStore + "/", StringComparison.Ordinal));
        var outbound = policy.GetProperty("properties").GetProperty("outboundPolicy");

        var retries = outbound.GetProperty("httpRetryPolicy").GetProperty("maxRetries").GetInt32();
        var trip = outbound.GetProperty("circuitBreakerPolicy").GetProperty("consecutiveErrors").GetInt32();

        Assert.True(1 + retries < trip, $"Container Apps: 1 + {retries} attempts of one refused write reach the breaker's {trip} consecutive errors");
    }
}
