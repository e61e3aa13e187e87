using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>First load onto a Zendesk account that already holds hand-made organizations and users.</summary>
public sealed class OnboardingTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<EngineHarness> HarnessAsync(OnboardingPolicy policy = OnboardingPolicy.Adopt)
    {
        var h = new EngineHarness(Tenant() with { Onboarding = policy });
        await h.SaveTenantAsync();
        return h;
    }

    [Fact]
    public async Task An_unlinked_organization_with_the_same_trimmed_name_is_adopted_not_twinned()
    {
        var h = await HarnessAsync();
        var handMade = h.Zendesk.AddHandMadeOrganization("  initech ");
        h.Source.Upsert(Customer("INITECH", "Initech"));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal("INITECH", Assert.Single(h.Zendesk.Organizations.Values).ExternalId);
        Assert.Equal(handMade.Id, h.Zendesk.OrgByExternalId("INITECH").Id);
        Assert.Equal((0, 1, 0), (h.Zendesk.OrganizationCreates, results.Updated(), results.Failed()));
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "INITECH", None);
        Assert.Equal(
            (AuditAction.Adopted, handMade.Id, $"adopted existing organization #{handMade.Id} (matched by name or domain)"),
            (history!.Entries[0].Action, history.Entries[0].ZendeskId, history.Entries[0].Detail));
        var report = Assert.Single(await h.Onboarding.ListAsync(h.Tenant.Id, None));
        Assert.Equal(OnboardingOutcome.Adopted, report.Outcome);
    }

    [Fact]
    public async Task An_unlinked_organization_with_the_accounts_email_domain_is_adopted()
    {
        var h = await HarnessAsync();
        var handMade = h.Zendesk.AddHandMadeOrganization("Umbrella Corporation", "umbrella.example");
        h.Source.Upsert(Customer("UMB", "Umbrella Corp", email: "sales@umbrella.example"));

        await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal(handMade.Id, h.Zendesk.OrgByExternalId("UMB").Id);
        Assert.Equal("Umbrella Corp", h.Zendesk.Organizations[handMade.Id].Name);
        Assert.Single(h.Zendesk.Organizations);
    }

    [Fact]
    public async Task Several_candidates_are_ambiguous_nothing_is_written_and_the_case_is_listed()
    {
        var h = await HarnessAsync();
        var byName = h.Zendesk.AddHandMadeOrganization("Acme");
        var byDomain = h.Zendesk.AddHandMadeOrganization("ACME Europe", "acme.example");
        h.Source.Upsert(Customer("ACME", "Acme", email: "info@acme.example"));
        h.Source.Upsert(Customer("OTHER", "Other Co"));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal((1, 1), (results.Created(), results.Skipped()));
        Assert.Null(h.Zendesk.Organizations[byName.Id].ExternalId);
        Assert.Null(h.Zendesk.Organizations[byDomain.Id].ExternalId);
        var report = Assert.Single(await h.Onboarding.ListAsync(h.Tenant.Id, None));
        Assert.Equal((OnboardingOutcome.Ambiguous, "ACME"), (report.Outcome, report.Key));
        Assert.Equal([byName.Id, byDomain.Id], report.CandidateIds.Order());
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "ACME", None);
        Assert.Equal(AuditAction.Skipped, history!.Entries[0].Action);
        Assert.Equal(
            $"ambiguous: 2 Zendesk organizations without external_id match by name or domain (#{byName.Id}, #{byDomain.Id})",
            history.Entries[0].Detail);
        Assert.Equal(history.Entries[0].Detail, report.Reason);
    }

    [Fact]
    public async Task One_organization_matching_several_accounts_is_ambiguous_for_each()
    {
        var h = await HarnessAsync();
        var shared = h.Zendesk.AddHandMadeOrganization("Shared Org", "shared.example");
        h.Source.Upsert(Customer("S1", "Shared One", email: "a@shared.example"));
        h.Source.Upsert(Customer("S2", "Shared Two", email: "b@shared.example"));

        await h.RunAsync("run-1", pageSize: 10, kinds: [EntityKind.Customer]);

        Assert.Null(h.Zendesk.Organizations[shared.Id].ExternalId);
        var cases = (await h.Onboarding.ListAsync(h.Tenant.Id, None)).Where(c => c.Outcome == OnboardingOutcome.Ambiguous).ToArray();
        Assert.Equal(["S1", "S2"], cases.Select(c => c.Key));
        Assert.All(cases, c => Assert.Equal($"ambiguous: Zendesk organization #{shared.Id} matches several accounts", c.Reason));
    }

    [Fact]
    public async Task Users_are_matched_by_email_before_anything_is_created()
    {
        var h = await HarnessAsync();
        var handMade = h.Zendesk.AddHandMadeUser("Bob R.", "Bob@Initrode.example");
        var linked = h.Zendesk.AddHandMadeUser("Someone", "taken@initrode.example", externalId: "crm:77");
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", null));
        h.Source.Upsert(Contact("103", "Tia", "Ken", "taken@initrode.example", null));

        var results = await h.RunAsync("run-1", pageSize: 10, kinds: [EntityKind.Contact]);

        Assert.Equal(2, h.Zendesk.Users.Count);
        Assert.Equal("acu-contact:102", h.Zendesk.Users[handMade.Id].ExternalId);
        Assert.Equal("Bob Ray", h.Zendesk.Users[handMade.Id].Name);
        Assert.Equal("crm:77", h.Zendesk.Users[linked.Id].ExternalId);
        Assert.Equal((1, 1), (results.Updated(), results.Failed()));
        var failed = Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, None));
        Assert.Equal(
            ("103", WriteErrorKind.Conflict, "EmailInUse", $"the e-mail address belongs to Zendesk user #{linked.Id}, which is linked to external_id 'crm:77'"),
            (failed.Key, failed.Error.Kind, failed.Error.Code, failed.Error.Message));
        var adopted = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "102", None);
        Assert.Equal(
            (AuditAction.Adopted, $"adopted existing user #{handMade.Id} (matched by e-mail)"),
            (adopted!.Entries[0].Action, adopted.Entries[0].Detail));
    }

    [Fact]
    public async Task Report_only_lists_matches_without_writing_them_and_creates_the_rest()
    {
        var h = await HarnessAsync(OnboardingPolicy.ReportOnly);
        var handMade = h.Zendesk.AddHandMadeOrganization("Initech");
        var user = h.Zendesk.AddHandMadeUser("Bob", "bob@initrode.example");
        h.Source.Upsert(Customer("INITECH", "Initech"));
        h.Source.Upsert(Customer("NEWCO", "New Co"));
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", null));

        await h.RunAsync("run-1", kinds: [EntityKind.Customer, EntityKind.Contact]);

        Assert.Null(h.Zendesk.Organizations[handMade.Id].ExternalId);
        Assert.Null(h.Zendesk.Users[user.Id].ExternalId);
        Assert.Equal("New Co", h.Zendesk.OrgByExternalId("NEWCO").Name);
        Assert.Equal(
            [("102", OnboardingOutcome.Matched), ("INITECH", OnboardingOutcome.Matched)],
            (await h.Onboarding.ListAsync(h.Tenant.Id, None)).Select(c => (c.Key, c.Outcome)).Order());
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Contact, "102", None);
        Assert.Equal(
            (AuditAction.Skipped, $"report-only: matches existing user #{user.Id} by e-mail; not written"),
            (history!.Entries[0].Action, history.Entries[0].Detail));
    }

    [Fact]
    public async Task Create_only_never_adopts_so_a_same_name_organization_fails_the_record()
    {
        var h = await HarnessAsync(OnboardingPolicy.CreateOnly);
        var handMade = h.Zendesk.AddHandMadeOrganization("Initech");
        h.Source.Upsert(Customer("INITECH", "Initech"));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal(1, results.Failed());
        Assert.Null(h.Zendesk.Organizations[handMade.Id].ExternalId);
        Assert.Empty(await h.Onboarding.ListAsync(h.Tenant.Id, None));
    }

    [Fact]
    public async Task Create_only_never_adopts_so_a_contact_whose_email_a_hand_made_user_holds_fails_and_is_listed()
    {
        var h = await HarnessAsync(OnboardingPolicy.CreateOnly);
        var handMade = h.Zendesk.AddHandMadeUser("Bob R.", "bob@initrode.example");
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", null));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Contact]);

        Assert.Equal((0, 0, 1), (results.Created(), results.Updated(), results.Failed()));
        Assert.Null(h.Zendesk.Users[handMade.Id].ExternalId);
        Assert.Equal("Bob R.", Assert.Single(h.Zendesk.Users.Values).Name);
        var message = $"create-only: the e-mail address belongs to existing Zendesk user #{handMade.Id}";
        var failed = Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, None));
        Assert.Equal(
            (WriteErrorKind.DuplicateValue, "EmailInUse", message, "email"),
            (failed.Error.Kind, failed.Error.Code, failed.Error.Message, failed.Error.Field));
        var report = Assert.Single(await h.Onboarding.ListAsync(h.Tenant.Id, None));
        Assert.Equal((OnboardingOutcome.Conflict, handMade.Id, message), (report.Outcome, Assert.Single(report.CandidateIds), report.Reason));
    }

    [Fact]
    public async Task An_organization_linked_to_another_system_is_never_adopted_even_by_the_same_name()
    {
        var h = await HarnessAsync();
        var linked = h.Zendesk.AddHandMadeOrganization("Initech");
        linked.ExternalId = "crm:9";
        h.Source.Upsert(Customer("INITECH", "Initech"));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal((0, 1), (results.Updated(), results.Failed()));
        Assert.Equal("crm:9", h.Zendesk.Organizations[linked.Id].ExternalId);
        Assert.Empty(await h.Onboarding.ListAsync(h.Tenant.Id, None));
    }

    [Fact]
    public async Task Two_contacts_with_the_email_of_one_hand_made_user_adopt_it_once_and_the_second_fails_naming_the_first()
    {
        var h = await HarnessAsync();
        var bob = h.Zendesk.AddHandMadeUser("Bob R.", "bob@initrode.example");
        h.Source.Upsert(Contact("101", "Bob", "Ray", "bob@initrode.example", null));
        h.Source.Upsert(Contact("102", "Robert", "Ray", "BOB@initrode.example", null));

        var results = await h.RunAsync("run-1", pageSize: 10, kinds: [EntityKind.Contact]);

        Assert.Equal((1, 1), (results.Updated(), results.Failed()));
        Assert.Equal(("acu-contact:101", "Bob Ray"), (h.Zendesk.Users[bob.Id].ExternalId, h.Zendesk.Users[bob.Id].Name));
        Assert.Single(h.Zendesk.Users);
        var failed = Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, None));
        Assert.Equal(
            ("102", WriteErrorKind.Conflict, "EmailInPage", "the e-mail address is also used by Contact 101 in the same page"),
            (failed.Key, failed.Error.Kind, failed.Error.Code, failed.Error.Message));
    }

    [Fact]
    public async Task A_dry_run_of_a_first_load_shows_which_hand_made_records_it_would_adopt()
    {
        var h = await HarnessAsync();
        var organization = h.Zendesk.AddHandMadeOrganization("Initech");
        var user = h.Zendesk.AddHandMadeUser("Bob R.", "bob@initrode.example");
        h.Source.Upsert(Customer("INITECH", "Initech"));
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", null));

        var organizations = await h.Engine.PlanPageAsync(new PlanPageRequest(h.Tenant.Id, "plan-1", EntityKind.Customer, 10), None);
        var users = await h.Engine.PlanPageAsync(new PlanPageRequest(h.Tenant.Id, "plan-1", EntityKind.Contact, 10), None);

        var planned = Assert.Single(organizations.Items);
        Assert.Equal((PlannedAction.Adopt, (long?)organization.Id), (planned.Action, planned.ZendeskId));
        Assert.Equal([organization.Id], planned.CandidateIds);
        planned = Assert.Single(users.Items);
        Assert.Equal((PlannedAction.Adopt, (long?)user.Id), (planned.Action, planned.ZendeskId));
        Assert.Equal([user.Id], planned.CandidateIds);
        Assert.Equal(0, h.Zendesk.Writes);
        Assert.Null(h.Zendesk.Organizations[organization.Id].ExternalId);
    }

    [Fact]
    public async Task Adoption_only_happens_on_the_first_load()
    {
        var h = await HarnessAsync();
        h.Source.Upsert(Customer("C1", "Initrode"));
        await h.RunAsync("run-1", kinds: [EntityKind.Customer]);
        var handMade = h.Zendesk.AddHandMadeOrganization("Late Co");
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Customer("LATE", "Late Co", h.Time.GetUtcNow()));

        var results = await h.RunAsync("run-2", kinds: [EntityKind.Customer]);

        Assert.Equal(1, results.Failed());
        Assert.Null(h.Zendesk.Organizations[handMade.Id].ExternalId);

        // Nor does a replay of the failed record.
        var replay = await h.Engine.ReplayFailedAsync(h.Tenant.Id, "replay-1", None);
        Assert.Equal((0, 1), (replay.Succeeded, replay.Failed));
        Assert.Null(h.Zendesk.Organizations[handMade.Id].ExternalId);
    }

    [Fact]
    public async Task The_employees_own_organization_is_adopted_by_name_when_it_exists_by_hand()
    {
        var h = await HarnessAsync();
        var own = h.Zendesk.AddHandMadeOrganization("Contoso Ltd");
        h.Source.Upsert(Employee("EP1", "Dee Staff", "dee@contoso.example"));

        await h.RunAsync("run-1", kinds: [EntityKind.Employee]);

        Assert.Equal("acu-company:Contoso", h.Zendesk.Organizations[own.Id].ExternalId);
        Assert.Equal(own.Id, h.Zendesk.UserByExternalId("acu-employee:EP1").OrganizationId);
    }

    [Fact]
    public async Task An_organization_with_the_company_name_linked_to_another_system_is_not_taken_for_the_employees()
    {
        var h = await HarnessAsync();
        var other = h.Zendesk.AddHandMadeOrganization("Contoso Ltd");
        other.ExternalId = "crm:1";
        h.Source.Upsert(Employee("EP1", "Dee Staff", "dee@contoso.example"));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Employee]);

        Assert.Equal("crm:1", h.Zendesk.Organizations[other.Id].ExternalId);
        Assert.Single(h.Zendesk.Organizations);
        Assert.Null(h.Zendesk.UserByExternalId("acu-employee:EP1").OrganizationId);
        Assert.Equal(1, results.Created());
    }

    [Theory]
    [InlineData(OnboardingPolicy.CreateOnly)]
    [InlineData(OnboardingPolicy.ReportOnly)]
    public async Task Outside_adopt_a_hand_made_organization_with_the_company_name_is_left_alone(OnboardingPolicy policy)
    {
        var h = await HarnessAsync(policy);
        var handMade = h.Zendesk.AddHandMadeOrganization("Contoso Ltd");
        h.Source.Upsert(Employee("EP1", "Dee Staff", "dee@contoso.example"));

        await h.RunAsync("run-1", kinds: [EntityKind.Employee]);

        Assert.Null(h.Zendesk.Organizations[handMade.Id].ExternalId);
        Assert.Single(h.Zendesk.Organizations);
        Assert.Null(h.Zendesk.UserByExternalId("acu-employee:EP1").OrganizationId);
    }

    [Fact]
    public async Task The_account_is_read_once_per_run_instead_of_one_search_per_record()
    {
        var h = await HarnessAsync();
        var handMade = h.Zendesk.AddHandMadeOrganization("Initech");
        var bob = h.Zendesk.AddHandMadeUser("Bob R.", "bob@initrode.example");
        for (var i = 0; i < 7; i++)
        {
            h.Source.Upsert(Customer($"C{i}", $"Company {i}"));
            h.Source.Upsert(Contact($"P{i}", "Per", $"Son {i}", $"p{i}@initrode.example", null));
        }

        h.Source.Upsert(Customer("INITECH", "Initech"));
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", null));

        await h.RunAsync("run-1", pageSize: 3, kinds: [EntityKind.Customer, EntityKind.Contact]);

        Assert.Equal((1, 1, 0, 0), (h.Zendesk.OrganizationListings, h.Zendesk.UserListings, h.Zendesk.NameSearches, h.Zendesk.EmailSearches));
        Assert.Equal("INITECH", h.Zendesk.Organizations[handMade.Id].ExternalId);
        Assert.Equal("acu-contact:102", h.Zendesk.Users[bob.Id].ExternalId);
        Assert.Equal(8, h.Zendesk.Organizations.Count);
        Assert.Equal(8, h.Zendesk.Users.Count);

        // A new run reads the account again (a window sees what was made by hand before it started).
        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Contact("P9", "New", "Person", "new@initrode.example", null, h.Time.GetUtcNow()));
        await h.RunAsync("run-2", pageSize: 3, kinds: [EntityKind.Contact]);
        Assert.Equal((2, 0), (h.Zendesk.UserListings, h.Zendesk.EmailSearches));
    }

    [Fact]
    public async Task An_account_with_many_users_is_searched_by_email_and_still_refuses_to_take_over_linked_users()
    {
        var h = await HarnessAsync();
        for (var i = 0; i < 25; i++)
        {
            h.Zendesk.AddHandMadeUser($"Agent {i}", $"agent{i}@contoso.example", externalId: $"crm:{i}");
        }

        var bob = h.Zendesk.AddHandMadeUser("Bob R.", "bob@initrode.example");
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", null));
        h.Source.Upsert(Contact("103", "Tia", "Ken", "agent3@contoso.example", null));

        var results = await h.RunAsync("run-1", pageSize: 10, kinds: [EntityKind.Contact]);

        // 2 pending e-mails allow listing 20 users; the account has 26, so each e-mail is searched instead.
        Assert.Equal((1, 2), (h.Zendesk.UserListings, h.Zendesk.EmailSearches));
        Assert.Equal("acu-contact:102", h.Zendesk.Users[bob.Id].ExternalId);
        Assert.Equal("crm:3", h.Zendesk.UserByExternalId("crm:3").ExternalId);
        Assert.Equal((1, 1), (results.Updated(), results.Failed()));
    }

    [Fact]
    public async Task An_account_found_too_large_to_list_is_not_listed_again_on_the_run_s_later_pages()
    {
        var h = await HarnessAsync();
        for (var i = 0; i < 25; i++)
        {
            h.Zendesk.AddHandMadeUser($"Agent {i}", $"agent{i}@contoso.example", externalId: $"crm:{i}");
        }

        h.Source.Upsert(Contact("101", "Ann", "Lee", "ann@initrode.example", null, T0.AddMinutes(1)));
        h.Source.Upsert(Contact("102", "Bob", "Ray", "bob@initrode.example", null, T0.AddMinutes(2)));

        var results = await h.RunAsync("run-1", pageSize: 1, kinds: [EntityKind.Contact]);

        // Page 1 may list 10 users for its one e-mail; the account has 25, so every page searches by e-mail instead.
        Assert.Equal((1, 2), (h.Zendesk.UserListings, h.Zendesk.EmailSearches));
        Assert.Equal(2, results.Created());
    }

    [Fact]
    public async Task Contacts_without_an_email_are_written_without_listing_or_searching_the_account_s_users()
    {
        var h = await HarnessAsync();
        h.Zendesk.AddHandMadeUser("Someone", "someone@initrode.example");
        h.Source.Upsert(Contact("101", "Ann", "Lee", null, null));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Contact]);

        Assert.Equal(1, results.Created());
        Assert.Equal((0, 0), (h.Zendesk.UserListings, h.Zendesk.EmailSearches));
    }

    [Fact]
    public async Task A_first_load_onto_organizations_already_linked_to_the_accounts_lists_nothing_to_adopt()
    {
        var h = await HarnessAsync();
        var linked = h.Zendesk.AddHandMadeOrganization("Initech");
        linked.ExternalId = "INITECH";
        h.Source.Upsert(Customer("INITECH", "Initech"));

        var results = await h.RunAsync("run-1", kinds: [EntityKind.Customer]);

        Assert.Equal((1, 0, 0), (results.Updated(), h.Zendesk.OrganizationCreates, h.Zendesk.OrganizationListings));
    }

    [Fact]
    public async Task A_user_adopted_on_an_earlier_page_of_the_run_is_not_taken_over_by_a_later_record()
    {
        var h = await HarnessAsync();
        var bob = h.Zendesk.AddHandMadeUser("Bob R.", "bob@initrode.example");
        h.Source.Upsert(Contact("101", "Bob", "Ray", "bob@initrode.example", null, T0.AddMinutes(1)));
        h.Source.Upsert(Contact("102", "Ann", "Bee", "ann@initrode.example", null, T0.AddMinutes(2)));
        h.Source.Upsert(Contact("103", "Bobby", "Ray", "BOB@initrode.example", null, T0.AddMinutes(3)));

        var results = await h.RunAsync("run-1", pageSize: 2, kinds: [EntityKind.Contact]);

        Assert.Equal(1, h.Zendesk.UserListings);
        Assert.Equal("acu-contact:101", h.Zendesk.Users[bob.Id].ExternalId);
        Assert.Equal("Bob Ray", h.Zendesk.Users[bob.Id].Name);
        var failed = Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, None));
        Assert.Equal(("103", WriteErrorKind.Conflict), (failed.Key, failed.Error.Kind));
        Assert.Equal(1, results.Failed());
    }

    [Fact]
    public async Task An_organization_adopted_on_an_earlier_page_is_no_candidate_for_a_later_page()
    {
        var h = await HarnessAsync();
        var handMade = h.Zendesk.AddHandMadeOrganization("Initech");
        h.Source.Upsert(Customer("A1", "Initech", T0.AddMinutes(1)));
        h.Source.Upsert(Customer("A2", "Other", T0.AddMinutes(2)));
        h.Source.Upsert(Customer("A3", " initech ", T0.AddMinutes(3)));

        var results = await h.RunAsync("run-1", pageSize: 2, kinds: [EntityKind.Customer]);

        Assert.Equal(1, h.Zendesk.OrganizationListings);
        Assert.Equal("A1", h.Zendesk.Organizations[handMade.Id].ExternalId);
        var failed = Assert.Single(await h.Failed.ListAsync(h.Tenant.Id, None));
        Assert.Equal(("A3", WriteErrorKind.DuplicateValue), (failed.Key, failed.Error.Kind));
        Assert.Equal(1, results.Failed());
    }
}
