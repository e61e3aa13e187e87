using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Acumatica;
using AcumaticaZendesk.Sandbox.Infrastructure;
using AcumaticaZendesk.Sandbox.Zendesk;
using Bogus;

namespace AcumaticaZendesk.Sandbox.Control;

/// <summary>Builds a deterministic dataset with Bogus under a fixed seed.</summary>
internal static class Seeder
{
    public static SeedSummary Seed(SandboxState state, SeedSpec spec)
    {
        var faker = new Faker("en") { Random = new Randomizer(spec.RandomSeed) };
        var instance = state.AddAcumatica(spec.Instance, spec.Tenant, spec.Versions);
        var account = state.AddZendesk(spec.Subdomain);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var stamp = 0;
        DateTimeOffset NextTime() => spec.BaseTime + TimeSpan.FromSeconds(stamp++ / Math.Max(1, spec.TieGroupSize));
        string UniqueName()
        {
            var name = faker.Company.CompanyName();
            for (var n = 2; !names.Add(name); n++)
            {
                name = $"{faker.Company.CompanyName()} {n}";
            }

            return name;
        }

        var accounts = new List<string>();
        int contacts = 0, employees = 0;
        lock (instance.Gate)
        {
            for (var i = 1; i <= spec.Customers + spec.Vendors + spec.CustomerVendors; i++)
            {
                var kind = i <= spec.Customers ? 'C' : i <= spec.Customers + spec.Vendors ? 'V' : 'B';
                var id = kind switch { 'C' => $"C{i:D6}", 'V' => $"V{i - spec.Customers:D6}", _ => $"CV{i - spec.Customers - spec.Vendors:D5}" };
                var name = UniqueName();
                var domain = Slug(name) + ".example";
                var email = $"{faker.PickRandom("ap", "billing", "office", "accounts", "info")}@{domain}";
                var noteId = faker.Random.Uuid();
                var at = NextTime();
                if (kind is 'C' or 'B')
                {
                    instance.Insert(AcuEntityDef.Customer, new JsonObject
                    {
                        ["CustomerID"] = id,
                        ["CustomerName"] = name,
                        ["Email"] = email,
                        ["Status"] = faker.Random.Int(0, 9) == 0 ? "On Hold" : "Active",
                        ["CustomerClass"] = faker.PickRandom("DEFAULT", "LOCAL", "INTL"),
                        ["ParentRecord"] = null,
                        ["MainContact"] = MainContact(faker, email),
                    }, at, noteId);
                }

                if (kind is 'V' or 'B')
                {
                    instance.Insert(AcuEntityDef.Vendor, new JsonObject
                    {
                        ["VendorID"] = id,
                        ["VendorName"] = name,
                        ["LegalName"] = name,
                        ["Status"] = "Active",
                        ["MainContact"] = MainContact(faker, email),
                    }, at, noteId);
                }

                accounts.Add(id);
            }

            foreach (var acct in accounts)
            {
                for (var c = 0; c < spec.ContactsPerAccount; c++)
                {
                    var first = faker.Name.FirstName();
                    var last = faker.Name.LastName();
                    var domain = instance.Find(AcuEntityDef.Customer, acct)?.Data.Str("Email")?.Split('@')[1]
                        ?? instance.Find(AcuEntityDef.Vendor, acct)?.Data["MainContact"]?["Email"]?.ToString().Split('@')[1] ?? "example.com";
                    instance.Insert(AcuEntityDef.Contact, new JsonObject
                    {
                        ["FirstName"] = first,
                        ["LastName"] = last,
                        ["Email"] = $"{Slug(first)}.{Slug(last)}@{domain}",
                        ["BusinessAccount"] = acct,
                        ["JobTitle"] = faker.Name.JobTitle(),
                        ["Phone1"] = faker.Phone.PhoneNumber("+1 (###) ###-####"),
                    }, NextTime(), faker.Random.Uuid());
                    contacts++;
                }
            }

            var employeeEmails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var e = 1; e <= spec.Employees; e++)
            {
                var first = faker.Name.FirstName();
                var last = faker.Name.LastName();
                var email = $"{Slug(first)}.{Slug(last)}@{Slug(spec.Tenant)}.example";
                for (var n = 2; !employeeEmails.Add(email); n++)
                {
                    email = $"{Slug(first)}.{Slug(last)}{n}@{Slug(spec.Tenant)}.example"; // two namesakes: each their own mailbox
                }

                instance.Insert(AcuEntityDef.Employee, new JsonObject
                {
                    ["EmployeeID"] = $"EP{e:D8}",
                    ["ContactInfo"] = new JsonObject
                    {
                        ["FirstName"] = first,
                        ["LastName"] = last,
                        ["Email"] = email,
                    },
                }, NextTime(), faker.Random.Uuid());
                employees++;
            }
        }

        var tickets = 0;
        if (spec.Tickets > 0)
        {
            lock (account.Gate)
            {
                var requester = account.UserByEmail("requester@" + spec.Subdomain + ".example")?.Id
                    ?? account.CreateUser(new JsonObject { ["name"] = "Demo Requester", ["email"] = "requester@" + spec.Subdomain + ".example" }).Value!.Id;
                for (var t = 0; t < spec.Tickets; t++)
                {
                    account.CreateTicket(new JsonObject
                    {
                        ["subject"] = faker.Hacker.Phrase(),
                        ["comment"] = new JsonObject { ["body"] = faker.Lorem.Paragraph() },
                        ["requester_id"] = requester,
                        ["status"] = faker.PickRandom("new", "open", "pending"),
                    });
                    tickets++;
                }
            }
        }

        Interlocked.Increment(ref state.Version);
        return new SeedSummary(
            instance.Name,
            account.Subdomain,
            spec.Customers + spec.CustomerVendors,
            spec.Vendors + spec.CustomerVendors,
            contacts,
            employees,
            tickets);
    }

    /// <summary>The demo: instance and subdomain "demo", known credentials (see <see cref="DemoCredentials"/>).</summary>
    public static SeedSummary SeedDemo(SandboxState state)
    {
        var summary = Seed(state, new SeedSpec { Tickets = 5 });
        ConfigureDemoAccess(state.FindAcumatica("demo")!, state.FindZendesk("demo")!);
        return summary;
    }

    public static void ConfigureDemoAccess(AcuInstance instance, ZdAccount account)
    {
        instance.Users[DemoCredentials.AcumaticaUser] = DemoCredentials.AcumaticaPassword;
        instance.OAuth.AddClient(new OAuthClient(DemoCredentials.AcumaticaClientId, DemoCredentials.AcumaticaClientSecret, []));
        account.OAuth.AddClient(new OAuthClient(DemoCredentials.ZendeskClientId, DemoCredentials.ZendeskClientSecret, []));
        account.ApiTokens[DemoCredentials.ZendeskAdminEmail] = DemoCredentials.ZendeskApiToken;
    }

    private static JsonObject MainContact(Faker faker, string email) => new()
    {
        ["Email"] = email,
        ["Phone1"] = faker.Phone.PhoneNumber("+1 (###) ###-####"),
        ["Address"] = new JsonObject
        {
            ["AddressLine1"] = faker.Address.StreetAddress(),
            ["City"] = faker.Address.City(),
            ["State"] = faker.Address.StateAbbr(),
            ["PostalCode"] = faker.Address.ZipCode("#####"),
            ["Country"] = "US",
        },
    };

    private static string Slug(string s) => new([.. s.ToLowerInvariant().Where(char.IsLetterOrDigit)]);
}
