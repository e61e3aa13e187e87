using AcumaticaZendesk.Benchmarks.Tickets;

namespace AcumaticaZendesk.Benchmarks.IntegrationTests;

/// <summary>The ticket phase at a tiny size on the whole product: structural facts only (no timing asserts).</summary>
public sealed class TicketsPhaseTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_ticket_change_reaches_its_activity_and_the_export_pass_applies_every_change_a_webhook_outage_lost()
    {
        var run = await new TicketsPhase(10, TicketsPhase.DefaultEventsPerSecond, TextWriter.Null).RunAsync(_ct);

        // Ten changes on ten tickets (one each), every one shown by its ticket's activity; none seen only after being overwritten.
        Assert.Equal((10, 10, 0, 0), (run.Events, run.Tickets, run.Unreached, run.Superseded));
        Assert.True(run.P50Ms <= run.P95Ms && run.P95Ms <= run.MaxMs, $"p50 {run.P50Ms}, p95 {run.P95Ms}, max {run.MaxMs}");
        Assert.True(run.P50Ms > 0, "an activity is written after the change that it shows");
        Assert.Equal(10, run.WorkflowCreated.Events); // every change started its own ticket workflow
        Assert.Equal(10, run.Burst.Events);

        // The outage: nothing reached Acumatica by webhook; one run's export pass applied all of it.
        Assert.InRange(run.LostEvents, 1, 10);
        Assert.Equal(0, run.LostUnreached);
        Assert.NotNull(run.ExportCatchUpSeconds);
        Assert.True(run.ExportCatchUpSeconds > 0);
        Assert.True(run.Converged, "every ticket is one activity showing its latest state");
    }
}
