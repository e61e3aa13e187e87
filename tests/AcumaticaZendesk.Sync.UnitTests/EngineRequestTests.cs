using AcumaticaZendesk.Sync.Ports;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Requests the engine refuses before it reads or writes anything, with words that say which.</summary>
public sealed class EngineRequestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0, 1, "request.PageSize")]
    [InlineData(2, 0, "request.MaxPages")]
    public async Task A_request_for_no_rows_or_no_pages_is_refused_before_anything_is_read_or_retried(int pageSize, int maxPages, string setting)
    {
        var h = new EngineHarness(Tenant() with { Onboarding = Tenants.OnboardingPolicy.CreateOnly });
        await h.SaveTenantAsync();
        var clash = h.Zendesk.AddHandMadeOrganization("Initrode");
        h.Source.Upsert(Customer("C1", "Initrode"));
        await h.RunAsync("run-1", kinds: [EntityKind.Customer]);
        h.Zendesk.Organizations.Remove(clash.Id); // the queued failure would now succeed if it were retried
        var reads = h.Source.Reads.Count;

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            h.Engine.SyncPagesAsync(new SyncPagesRequest(h.Tenant.Id, "run-2", EntityKind.Customer, pageSize, maxPages), Ct));

        Assert.Equal(setting, error.ParamName);
        Assert.Equal(reads, h.Source.Reads.Count);
        Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, Ct));
        Assert.Empty(h.Zendesk.Organizations);
    }

    [Fact]
    public async Task A_plan_of_no_rows_is_refused_before_anything_is_read()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C1", "Initrode"));

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            h.Engine.PlanPageAsync(new PlanPageRequest(h.Tenant.Id, "plan-1", EntityKind.Customer, 0), Ct));

        Assert.Equal("request.PageSize", error.ParamName);
        Assert.Empty(h.Source.Reads);
    }

    [Fact]
    public async Task Missing_requests_are_refused_by_name()
    {
        var h = new EngineHarness();

        Assert.Equal("request", (await Assert.ThrowsAsync<ArgumentNullException>(() => h.Engine.SyncPagesAsync(null!, Ct))).ParamName);
        Assert.Equal("request", (await Assert.ThrowsAsync<ArgumentNullException>(() => h.Engine.PlanPageAsync(null!, Ct))).ParamName);
        Assert.Equal("records", (await Assert.ThrowsAsync<ArgumentNullException>(() => h.Engine.ReplayAsync(h.Tenant.Id, "replay-1", null!, Ct))).ParamName);
    }
}
