using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Records the engine must leave alone: report-only matches and users whose content did not change.</summary>
public sealed class EngineSkipTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Report_only_leaves_an_account_matched_by_domain_unwritten_instead_of_twinning_the_organization()
    {
        var h = new EngineHarness(Tenant() with { Onboarding = OnboardingPolicy.ReportOnly });
        await h.SaveTenantAsync();
        var handMade = h.Zendesk.AddHandMadeOrganization("Initrode Support", "initrode.example");
        h.Source.Upsert(Customer("INITRODE", "Initrode", email: "info@initrode.example"));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal((0, 1), (results.Created(), results.Skipped()));
        Assert.DoesNotContain(h.Zendesk.Organizations.Values, o => o.ExternalId == "INITRODE");
        Assert.Null(h.Zendesk.Organizations[handMade.Id].ExternalId);
        Assert.Equal("Initrode Support", h.Zendesk.Organizations[handMade.Id].Name);
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "INITRODE", Ct);
        Assert.Equal(
            (AuditAction.Skipped, $"report-only: matches existing organization #{handMade.Id}; not written"),
            (history!.Entries[0].Action, history.Entries[0].Detail));
        var report = Assert.Single(await h.Onboarding.ListAsync(h.Tenant.Id, Ct));
        Assert.Equal((OnboardingOutcome.Matched, handMade.Id), (report.Outcome, Assert.Single(report.CandidateIds)));
    }

    [Fact]
    public async Task A_contact_saved_again_without_a_change_is_not_written_and_a_changed_one_is()
    {
        var h = new EngineHarness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("C1", "Initrode"));
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann@initrode.example", "C1"));
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", "C1"));
        await h.RunAsync("run-1", kinds: [EntityKind.Customer, EntityKind.Contact]);
        var writes = h.Zendesk.UserWrites;

        // Both contacts saved again in Acumatica (newer LastModifiedDateTime); only Bob's phone changed.
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann@initrode.example", "C1", T0.AddHours(1)));
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", "C1", T0.AddHours(1)) with { Phone = "+1 555 0100" });
        var second = await h.RunAsync("run-2", kinds: [EntityKind.Contact]);

        Assert.Equal((2, 1, 1), (second.Sum(r => r.Counts.Read), second.Unchanged(), second.Updated()));
        Assert.Equal(writes + 1, h.Zendesk.UserWrites);
        Assert.Equal("+1 555 0100", h.Zendesk.UserByExternalId("acu-contact:102").Phone);
        var ann = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "101", Ct);
        Assert.Equal((AuditAction.SkippedUnchanged, "run-2"), (ann!.Entries[0].Action, ann.Entries[0].RunId));
    }
}
