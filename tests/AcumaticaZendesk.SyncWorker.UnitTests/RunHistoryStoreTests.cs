using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Runs;
using AcumaticaZendesk.SyncWorker.Workflows;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

public sealed class RunHistoryStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private readonly RunHistoryStore history = new(new InMemoryConnectorStateStore());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Runs_are_kept_newest_first_and_a_redelivered_event_is_recorded_once()
    {
        Assert.True(await history.RecordAsync(Run(1), Ct));
        Assert.True(await history.RecordAsync(Run(2), Ct));
        Assert.False(await history.RecordAsync(Run(1), Ct));

        Assert.Equal(["run-2", "run-1"], (await history.GetAsync("contoso", Ct)).Runs.Select(r => r.RunId));
    }

    [Fact]
    public async Task Only_the_most_recent_runs_are_kept()
    {
        for (var i = 1; i <= RunHistoryStore.MaxRuns + 5; i++)
        {
            await history.RecordAsync(Run(i), Ct);
        }

        var runs = (await history.GetAsync("contoso", Ct)).Runs;
        Assert.Equal(RunHistoryStore.MaxRuns, runs.Count);
        Assert.Equal($"run-{RunHistoryStore.MaxRuns + 5}", runs[0].RunId);
    }

    [Fact]
    public async Task An_unknown_tenant_has_an_empty_history() =>
        Assert.Empty((await history.GetAsync("nobody", Ct)).Runs);

    private static SyncRunSummary Run(int n) =>
        new("contoso", $"run-{n}", Start, Start, Start.AddMinutes(n), SyncRunOutcome.Succeeded, SyncCounts.None, null);
}
