namespace AcumaticaZendesk.Chaos.IntegrationTests;

/// <summary>
/// The chaos smoke of <c>make ci</c>: a handful of <c>make chaos</c> scenarios (auth faults, a killed worker, webhook
/// redeliveries and forgeries), each run exactly as <c>make chaos</c> runs it and held to the same verdict: every check
/// of the scenario passed, its faults were counted by the sandbox, it converged, nothing lost, stale, stray or doubled.
/// </summary>
public sealed class ChaosSmokeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("tokens-expire-mid-run")]
    [InlineData("refresh-revoked")]
    [InlineData("worker-killed-3x")]
    [InlineData("webhooks-duplicated-and-reordered")]
    public async Task Scenario_passes_on_its_evidence(string name)
    {
        var scenario = Scenarios.All.Single(s => s.Name == name);

        var result = await ScenarioRunner.RunAsync(scenario, Bound, TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, result.Notes));
        Assert.True(result.Passed, $"{name} failed: {string.Join("; ", result.Failures)}; notes: {string.Join("; ", result.Notes)}");
        Assert.Empty(result.Failures);
        Assert.True(result.FaultsInjected > 0, $"{name}: no fault was injected");
        Assert.All(scenario.Evidence, kind => Assert.True(SandboxFaults.Of(result.FaultsByKind, kind) > 0, $"{name}: no '{kind}' counted"));
        Assert.Equal(0, result.Lost + result.Duplicates + result.Stale + result.Strays + result.ActivitiesLost + result.ActivitiesDuplicated);
    }
}
