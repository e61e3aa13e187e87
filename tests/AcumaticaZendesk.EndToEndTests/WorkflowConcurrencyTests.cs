using AcumaticaZendesk.StandIn;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The stand-in's task hub hands out as many workflow steps and activities at once as daprd does: unlimited unless the
/// Dapr Configuration's <c>spec.workflow</c> caps them (deploy/kubernetes: 100 workflows, 16 activities). The in-memory
/// task hub alone allows one per core, which queued a burst of ticket workflows for seconds on a 2-core machine
/// (<c>make bench</c>, ticket phase: p50 12.8 s at 5 changes/s before, 22 ms after).
/// </summary>
public sealed class WorkflowConcurrencyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task By_default_the_task_hub_dispatches_workflows_and_activities_without_a_per_core_limit_as_daprd_does()
    {
        await using var sidecar = await StandInSidecar.StartAsync(cancellationToken: Token);

        Assert.Equal(int.MaxValue, sidecar.WorkflowDispatch.MaxConcurrentTaskOrchestrationWorkItems);
        Assert.Equal(int.MaxValue, sidecar.WorkflowDispatch.MaxConcurrentTaskActivityWorkItems);
        Assert.True(sidecar.WorkflowDispatch.MaxConcurrentTaskActivityWorkItems > Environment.ProcessorCount);
    }

    [Fact]
    public async Task The_limits_of_a_Dapr_Configuration_are_applied_as_configured()
    {
        await using var sidecar = await StandInSidecar.StartAsync(
            new StandInSidecarOptions { MaxConcurrentWorkflowInvocations = 100, MaxConcurrentActivityInvocations = 16 }, Token);

        Assert.Equal(100, sidecar.WorkflowDispatch.MaxConcurrentTaskOrchestrationWorkItems);
        Assert.Equal(16, sidecar.WorkflowDispatch.MaxConcurrentTaskActivityWorkItems);
    }
}
