using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>
/// Organization creates and updates of one page run side by side unless a create wants a name an updated
/// organization holds now; then creates go first, so a rename never loses its name to a racing create.
/// </summary>
public sealed class OrganizationWriteOrderTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30); // a hang guard, not a timing assertion

    [Fact]
    public async Task Without_a_name_in_common_the_update_job_starts_while_the_create_job_is_in_flight()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C2", "Globex", T0));
        await h.RunAsync("run-1", pageSize: 10, kinds: EntityKind.Customer);
        h.Source.Upsert(Vendor("C2", "Globex", T0.AddMinutes(1)));
        h.Source.Upsert(Vendor("V1", "Soylent", T0.AddMinutes(2)));
        var updateStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Zendesk.BeforeOrganizationUpdates = _ =>
        {
            updateStarted.TrySetResult();
            return Task.CompletedTask;
        };
        // The create job only finishes once the update job has started: sequential writes would never get there.
        h.Zendesk.BeforeOrganizationCreates = _ => updateStarted.Task;

        var results = await h.RunAsync("run-2", pageSize: 10, kinds: EntityKind.Vendor).WaitAsync(Guard, TestContext.Current.CancellationToken);

        Assert.Equal(1, results.Created());
        Assert.Equal(1, results.Updated());
        Assert.Equal(0, results.Failed());
        Assert.Contains("acu_vendor", h.Zendesk.OrgByExternalId("C2").Tags);
        Assert.Equal("Soylent", h.Zendesk.OrgByExternalId("V1").Name);
    }

    [Fact]
    public async Task A_create_that_wants_the_name_a_renamed_organization_gives_up_runs_first_and_fails_cleanly()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C1", "Initech", T0));
        await h.RunAsync("run-1", pageSize: 10, kinds: EntityKind.Customer);
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Customer("C1", "Initech Global", h.Time.GetUtcNow()));
        h.Source.Upsert(Customer("C9", "Initech", h.Time.GetUtcNow()));
        var order = new List<string>();
        h.Zendesk.BeforeOrganizationCreates = _ =>
        {
            order.Add("create");
            return Task.CompletedTask;
        };
        h.Zendesk.BeforeOrganizationUpdates = _ =>
        {
            order.Add("update");
            return Task.CompletedTask;
        };

        var results = await h.RunAsync("run-2", pageSize: 10, kinds: EntityKind.Customer);

        Assert.Equal(["create", "update"], order);
        Assert.Equal("Initech Global", h.Zendesk.OrgByExternalId("C1").Name);
        Assert.Equal(1, results.Failed());
        Assert.Contains(await h.Failed.ListAsync(h.Tenant.Id, TestContext.Current.CancellationToken), f => f.Key == "C9");
    }

    [Theory]
    [InlineData("Globex", "Initech", false)]
    [InlineData("Globex", "globex ", true)]
    [InlineData("Globex", "Initech|globex", true)] // one of several creates is enough
    public void A_create_races_an_update_only_over_the_name_the_updated_organization_holds(string current, string created, bool races)
    {
        var item = new WorkItem(Customer("C2", "Globex Corp", T0), "C2") { Action = PlannedAction.Update, ZendeskId = 7 };
        var found = new Dictionary<string, TargetOrganization>(StringComparer.OrdinalIgnoreCase)
        {
            ["C2"] = new TargetOrganization(7, current, "C2", []),
        };

        var creates = created.Split('|').Select((name, i) => new OrganizationPayload { ExternalId = $"C9{i}", Name = name }).ToArray();

        Assert.Equal(races, OrganizationStep.CreatesMayRaceUpdates(creates, [item], found));
    }

    [Fact]
    public void An_adoption_is_written_after_the_creates_because_the_adopted_organization_s_name_is_not_known()
    {
        var item = new WorkItem(Customer("C2", "Globex", T0), "C2") { Action = PlannedAction.Adopt, ZendeskId = 7 };

        Assert.True(
            OrganizationStep.CreatesMayRaceUpdates(
                [new OrganizationPayload { ExternalId = "C9", Name = "Other" }],
                [item],
                new Dictionary<string, TargetOrganization>()));
        Assert.False(OrganizationStep.CreatesMayRaceUpdates([], [item], new Dictionary<string, TargetOrganization>()));
    }
}
