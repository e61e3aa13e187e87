using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

public sealed class ControlApiTests
{
    [Fact]
    public async Task SeedingIsDeterministic()
    {
        await using var a = await TestSandbox.StartAsync();
        await using var b = await TestSandbox.StartAsync();

        Assert.True(JsonNode.DeepEquals(a.Control.AcumaticaRecords("demo", "Customer"), b.Control.AcumaticaRecords("demo", "Customer")));
        Assert.Equal(14, a.Control.AcumaticaCount("demo", "Customer"));
        Assert.Equal(5, a.Control.AcumaticaCount("demo", "Vendor"));
        Assert.Equal(17, a.Control.AcumaticaCount("demo", "Contact"));
    }

    [Fact]
    public async Task SeededEmployeesWhoShareANameEachGetTheirOwnEmail()
    {
        // 5,000 employees from the generator's name lists: namesakes are certain (the benchmark's 10x tenant had two in 500).
        await using var sb = await TestSandbox.StartAsync(
            new SeedSpec { Customers = 1, Vendors = 0, CustomerVendors = 0, ContactsPerAccount = 0, Employees = 5000 });

        var emails = sb.Control.AcumaticaRecords("demo", "Employee")
            .Select(e => e!["ContactInfo"]!["Email"]!["value"]!.GetValue<string>())
            .ToList();

        Assert.Equal(5000, emails.Count);
        Assert.Equal(5000, emails.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(emails, e => e.Split('@')[0].Any(char.IsDigit)); // a namesake's address is numbered
    }

    [Fact]
    public async Task HttpControlSurfaceSeedsMutatesInjectsFaultsAndCountsRequests()
    {
        await using var sb = await TestSandbox.StartAsync();
        var http = sb.Http;
        using (var alive = await http.GetAsync("alive", TestSandbox.Ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, alive.StatusCode);
        }

        var (seeded, summary) = await http.SendJsonAsync(
            HttpMethod.Post,
            "_sandbox/seed",
            new JsonObject
            {
                ["instance"] = "other",
                ["subdomain"] = "other",
                ["customers"] = 3,
                ["vendors"] = 0,
                ["customerVendors"] = 0,
                ["contactsPerAccount"] = 2,
                ["employees"] = 1
            });
        Assert.Equal(200, seeded);
        Assert.Equal(6, summary!["contacts"]!.GetValue<int>());

        var (renamed, _) = await http.SendJsonAsync(
            HttpMethod.Post,
            "_sandbox/acumatica/other/accounts/C000001/rename",
            new JsonObject { ["name"] = "Via HTTP" });
        Assert.Equal(200, renamed);
        var (_, record) = await http.GetJsonAsync("_sandbox/acumatica/other/records/Customer/C000001");
        Assert.Equal("Via HTTP", record!["CustomerName"]!["value"]!.ToString());

        var (added, contact) = await http.SendJsonAsync(
            HttpMethod.Post,
            "_sandbox/acumatica/other/accounts/C000001/contacts",
            new JsonObject { ["firstName"] = "New", ["lastName"] = "Person", ["email"] = "new@x.example" });
        Assert.Equal(201, added);
        Assert.True(contact!["contactId"]!.GetValue<long>() > 0);

        Assert.Equal(
            200,
            (await http.SendJsonAsync(HttpMethod.Put, "_sandbox/faults/zendesk", new JsonObject { ["failNextCount"] = 1, ["failNextStatus"] = 503 })).Status);
        using var zd = sb.Zendesk();
        Assert.Equal(503, (await zd.GetJsonAsync("organizations")).Status);
        Assert.Equal(200, (await zd.GetJsonAsync("organizations")).Status);

        Assert.Equal(400, (await http.SendJsonAsync(HttpMethod.Put, "_sandbox/zendesk/demo/settings", new JsonObject { ["noSuchKnob"] = 1 })).Status);
        Assert.Equal(200, (await http.SendJsonAsync(HttpMethod.Put, "_sandbox/zendesk/demo/settings", new JsonObject { ["rateLimitPerMinute"] = 200 })).Status);
        Assert.Equal(200, sb.Control.GetZendeskSettings("demo").RateLimitPerMinute);

        var (handMade, ticket) = await http.SendJsonAsync(
            HttpMethod.Post,
            "_sandbox/zendesk/demo/organizations",
            new JsonObject { ["name"] = "Hand made", ["external_id"] = null });
        Assert.True(handMade == 201, ticket?.ToJsonString());
        Assert.Equal("Hand made", ticket!["name"]!.ToString());

        Assert.Equal(404, (await http.GetJsonAsync("_sandbox/acumatica/missing/records/Customer")).Status);
        var (_, requests) = await http.GetJsonAsync("_sandbox/requests");
        Assert.Equal(2, requests!["counts"]!["GET /zendesk/{subdomain}/api/v2/organizations"]!.GetValue<long>());
        Assert.Equal(2, sb.Control.Requests.Count("GET", "/zendesk/{subdomain}/api/v2/organizations"));
    }

    [Fact]
    public async Task StateFileSurvivesARestart()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sandbox-{Guid.NewGuid():N}.json");
        try
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
            await using (var first = await SandboxHost.StartAsync(new SandboxOptions { Seed = "demo", StateFile = file, TimeProvider = clock }, TestSandbox.Ct))
            {
                first.Control.RenameAccount("demo", "C000001", "Persisted Name");
                first.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Persisted Org", ["external_id"] = "P1" });
            }

            await using var second = await SandboxHost.StartAsync(new SandboxOptions { Seed = "demo", StateFile = file, TimeProvider = clock }, TestSandbox.Ct);
            Assert.Equal("Persisted Name", second.Control.AcumaticaRecord("demo", "Customer", "C000001")!["CustomerName"]!["value"]!.ToString());
            Assert.Equal("P1", Assert.Single(second.Control.Organizations("demo"))!["external_id"]!.ToString());
            Assert.Equal(45, second.Control.AcumaticaCount("demo", "Customer"));
            Assert.Equal(5, second.Control.Tickets("demo").Count);
            var requester = Assert.Single(second.Control.Users("demo"))!;
            Assert.Equal(
                requester["email"]!.ToString(),
                Assert.Single(second.Control.Identities("demo", requester["id"]!.GetValue<long>()))!["value"]!.ToString());
            var contactId = second.Control.AddContact("demo", "C000001", "After", "Restart", "after@x.example");
            Assert.True(contactId > 100_110);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
