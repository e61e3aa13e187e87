using System.Globalization;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.TenantSync;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>A first load onto a Zendesk account that already holds hand-made organizations and users.</summary>
public sealed class OnboardingTests : MainFlowTestBase
{
    private const string SharedName = "Globex Shared Name";

    [Fact]
    public async Task A_first_load_adopts_hand_made_organizations_and_users_and_lists_an_ambiguous_one()
    {
        var spec = SmallSeed("acme");
        var tenant = SeedTenant(spec);
        var names = AccountNames("acme");
        var contacts = Contacts("acme");

        // Hand-made in Zendesk, with no external_id: organizations named like three accounts (other case, padded),
        // users with two contacts' e-mails, and one unrelated organization.
        var handMade = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var code in new[] { "C000001", "V000001", "CV00001" })
        {
            handMade[code] = Id(Control.CreateOrganization("acme", new JsonObject { ["name"] = $"  {names[code].ToUpperInvariant()} " }));
        }

        var unrelated = Id(Control.CreateOrganization("acme", new JsonObject { ["name"] = "Hand-made Only" }));
        var adoptedContacts = contacts.Take(2).ToArray();
        var handMadeUsers = adoptedContacts.ToDictionary(
            c => c.Key,
            c => Id(Control.CreateUser("acme", new JsonObject { ["name"] = "Typed By Hand", ["email"] = c.Value.Email.ToUpperInvariant() })));

        // Two accounts with one name in Acumatica and one hand-made organization of that name: ambiguous.
        Control.RenameAccount("acme", "C000004", SharedName);
        Control.RenameAccount("acme", "C000005", SharedName);
        var shared = Id(Control.CreateOrganization("acme", new JsonObject { ["name"] = SharedName }));

        await Connector.SaveTenantAsync(tenant, Token);
        var run = await RunAsync("acme");
        Assert.Equal(SyncRunOutcome.Succeeded, run.Outcome);
        Assert.Equal(0, run.Counts.Failed);
        Assert.Empty(ZendeskRefusals("acme"));

        // Adopted, not twinned: the hand-made ids now carry the account codes; every name exists once.
        var organizations = Control.Organizations("acme");
        var byExternalId = OrganizationsByExternalId("acme");
        foreach (var (code, id) in handMade)
        {
            Assert.Equal(id, (long)byExternalId[code]["id"]!);
            Assert.Equal(names[code], (string?)byExternalId[code]["name"]);
        }

        Assert.Equal(organizations.Count, organizations.Select(o => ((string)o!["name"]!).Trim().ToLowerInvariant()).Distinct().Count());
        Assert.Equal(names.Count - 2, byExternalId.Keys.Count(k => !k.StartsWith("acu-company:", StringComparison.Ordinal)));
        Assert.Equal(names.Count - 2 + 1 + 2, organizations.Count);
        Assert.Null(organizations.Single(o => (long)o!["id"]! == unrelated)!["external_id"]);

        var users = Control.Users("acme");
        foreach (var (contactId, userId) in handMadeUsers)
        {
            var user = users.Single(u => (long)u!["id"]! == userId)!;
            Assert.Equal($"acu-contact:{contactId}", (string?)user["external_id"]);
            Assert.Single(users, u => string.Equals((string?)u!["email"], contacts[contactId].Email, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Equal(contacts.Count + spec.Employees, UsersByExternalId("acme").Count);

        // The ambiguous case is listed for the operator and nothing was written for it.
        Assert.DoesNotContain("C000004", byExternalId.Keys);
        Assert.DoesNotContain("C000005", byExternalId.Keys);
        Assert.Null(organizations.Single(o => (long)o!["id"]! == shared)!["external_id"]);
        var report = await Service<OnboardingReport>().ListAsync("acme", Token);
        var ambiguous = report.Where(c => c.Outcome == OnboardingOutcome.Ambiguous).ToArray();
        Assert.Equal(["C000004", "C000005"], ambiguous.Select(c => c.Key).Order());
        Assert.All(ambiguous, c => Assert.Equal([shared], c.CandidateIds));
        Assert.Equal(
            handMade.Keys.Select(k => k.ToUpperInvariant()).Concat(handMadeUsers.Keys.Select(k => k.ToString(CultureInfo.InvariantCulture))).Order(),
            report.Where(c => c.Outcome == OnboardingOutcome.Adopted).Select(c => c.Key.ToUpperInvariant()).Distinct().Order());
        var history = await Service<AuditTrail>().GetAsync("acme", EntityKind.Customer, "C000001", Token);
        Assert.Contains(history!.Entries, e => e.Action == AuditAction.Adopted && e.ZendeskId == handMade["C000001"]);
    }

    private static long Id(JsonObject record) => (long)record["id"]!;
}
