using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.SyncWorker.TenantSync;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>
/// The sync worker stopped in the middle of an initial load (its in-flight page never finishes) and started again:
/// the run finishes on the new worker with every record in Zendesk exactly once.
/// </summary>
public sealed class WorkerRestartTests : MainFlowTestBase
{
    /// <summary>Small pages so the load is many pages long, with a ContinueAsNew every three.</summary>
    protected override (int PageSize, int PagesPerExecution) Paging => (5, 3);

    [Fact]
    public async Task Killing_the_worker_mid_run_and_starting_it_again_finishes_with_nothing_lost_and_nothing_duplicated()
    {
        var spec = SmallSeed("acme");
        await AddTenantAsync(spec);

        // Acumatica answers slowly, so the restart lands while pages are still being read and written.
        Control.SetFaults("acumatica", new FaultSettings { LatencyMs = 150 });
        var instanceId = await Service<IWorkflowRuns>().ScheduleRunNowAsync(new RunRequest("acme", "e2e", "restart test"), Token);
        await WaitUntilAsync(() => ContactPagesRead() >= 2);
        var usersWhenKilled = UsersByExternalId("acme").Count;

        await Connector.Apps.RestartSyncWorkerAsync();
        Control.SetFaults("acumatica", new FaultSettings());

        var summary = CompletedSummary(await Connector.WaitForRunAsync(instanceId, RunTimeout, Token));
        Assert.Equal(SyncRunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(0, summary.Counts.Failed);

        // Nothing lost: every account and person is in Zendesk; nothing duplicated: once each, no refusals.
        var names = AccountNames("acme");
        var organizations = Control.Organizations("acme");
        Assert.Equal(names.Count + 1, organizations.Count);
        Assert.Equal(
            names.Select(n => (n.Key, n.Value)).Order(),
            OrganizationsByExternalId("acme").Where(o => !o.Key.StartsWith("acu-company:", StringComparison.Ordinal))
                .Select(o => (o.Key, (string)o.Value["name"]!))
                .Order());
        var contacts = Contacts("acme");
        var users = Control.Users("acme");
        Assert.True(usersWhenKilled < contacts.Count + spec.Employees, $"the worker was stopped after all {usersWhenKilled} users were written");
        Assert.Equal(contacts.Count + spec.Employees, users.Count);
        var byExternalId = UsersByExternalId("acme");
        var orgIds = OrganizationsByExternalId("acme").ToDictionary(o => o.Key, o => (long)o.Value["id"]!, StringComparer.OrdinalIgnoreCase);
        foreach (var (id, (email, account)) in contacts)
        {
            var user = byExternalId[$"acu-contact:{id}"];
            Assert.Equal(email, (string?)user["email"], StringComparer.OrdinalIgnoreCase);
            Assert.Equal(orgIds[account!], (long?)user["organization_id"]);
        }

        Assert.Empty(ZendeskRefusals("acme"));
        Assert.Empty(await Service<FailedRecordQueue>().ListAsync("acme", Token));

        // And the next run finds nothing to do.
        var next = await RunAsync("acme");
        Assert.Equal(0, next.Counts.Created + next.Counts.Updated + next.Counts.Failed);
    }

    private int ContactPagesRead() => Control.Requests.Recent(20_000)
        .Count(r => r.System == "acumatica" && r.Method == "GET" && r.Path.EndsWith("/Contact", StringComparison.Ordinal) && r.Status == 200);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(RunTimeout);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }
}
