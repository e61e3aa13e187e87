using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>A replay writes kinds in the order a run does (<see cref="SyncStages.KindOrder"/>), so it settles a clash the same way.</summary>
public sealed class ReplayOrderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A person who is both an employee and a contact: one e-mail, so one Zendesk user; the other kind reports the clash.</summary>
    private static async Task<EngineHarness> PersonOnBothSidesAsync()
    {
        var h = new EngineHarness(Tenant() with { Onboarding = OnboardingPolicy.CreateOnly });
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C1", "Initrode"));
        h.Source.Upsert(Employee("EP1", "Dee Staff", "dee@contoso.example"));
        h.Source.Upsert(Contact("101", "Dee", "Staff", "dee@contoso.example", "C1"));
        return h;
    }

    [Fact]
    public async Task A_replay_of_a_person_who_is_employee_and_contact_gives_the_user_to_the_same_side_a_run_does()
    {
        var run = await PersonOnBothSidesAsync();
        await run.RunAsync("run-1");
        var replay = await PersonOnBothSidesAsync();
        await replay.RunAsync("run-1", kinds: [EntityKind.Customer]);

        await replay.Engine.ReplayAsync(
            replay.Tenant.Id, "replay-1", [new RecordRef(EntityKind.Contact, "101"), new RecordRef(EntityKind.Employee, "EP1")], Ct);

        var ranOwner = Assert.Single(run.Zendesk.Users.Values, u => u.Emails.Contains("dee@contoso.example")).ExternalId;
        var replayedOwner = Assert.Single(replay.Zendesk.Users.Values, u => u.Emails.Contains("dee@contoso.example")).ExternalId;
        Assert.Equal("acu-employee:EP1", ranOwner);
        Assert.Equal(ranOwner, replayedOwner);
        Assert.Equal(
            (await run.Failed.ListAsync(run.Tenant.Id, Ct)).Select(f => (f.Kind, f.Key)),
            (await replay.Failed.ListAsync(replay.Tenant.Id, Ct)).Select(f => (f.Kind, f.Key)));
    }
}
