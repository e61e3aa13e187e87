using System.Text.Json.Nodes;
using AcumaticaZendesk.Testing.VendorSpecs;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

public sealed class ZendeskOrganizationAndUserTests(Specs specs)
{
    private static JsonObject Org(string name, string? externalId = null) =>
        new() { ["organization"] = new JsonObject { ["name"] = name, ["external_id"] = externalId } };

    [Fact]
    public async Task ExternalIdIsUniqueCaseInsensitivelyAndCreateOrUpdateMatchesOnIt()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var zd = sb.Zendesk();

        var (created, org) = await zd.SendJsonAsync(HttpMethod.Post, "organizations.json", Org("Contoso", "ACU-C000001"));
        Assert.Equal(201, created);
        Assert.Empty(specs.Zendesk("OrganizationResponse", org!.ToJsonString()));

        var (dup, dupBody) = await zd.SendJsonAsync(HttpMethod.Post, "organizations", Org("Other", "acu-c000001"));
        Assert.Equal(422, dup);
        Assert.Equal("DuplicateValue", dupBody!["details"]!["external_id"]![0]!["error"]!.ToString());

        var (found, search) = await zd.GetJsonAsync("organizations/search?external_id=Acu-C000001");
        Assert.Equal(200, found);
        Assert.Equal(org["organization"]!["id"]!.GetValue<long>(), search!["organizations"]![0]!["id"]!.GetValue<long>());
        Assert.Empty(specs.Zendesk("OrganizationsResponse", search.ToJsonString()));

        var (updated, upd) = await zd.SendJsonAsync(HttpMethod.Post, "organizations/create_or_update", Org("Contoso Renamed", "acu-c000001"));
        Assert.Equal(200, updated);
        Assert.Equal("Contoso Renamed", upd!["organization"]!["name"]!.ToString());
        Assert.Single(sb.Control.Organizations("demo"));

        var (_, many) = await zd.GetJsonAsync("organizations/show_many?external_ids=ACU-C000001,missing");
        Assert.Single(many!["organizations"]!.AsArray());
        Assert.Empty(specs.Zendesk("OrganizationsResponse", many.ToJsonString()));
    }

    [Fact]
    public async Task NameClashIs422DuplicateValueAsZendeskSendsIt()
    {
        await using var sb = await TestSandbox.StartAsync();
        sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Lorem Ipsum" });
        using var zd = sb.Zendesk();

        var (status, body) = await zd.SendJsonAsync(HttpMethod.Post, "organizations/create_or_update", Org("lorem ipsum"));

        Assert.Equal(422, status);
        Assert.True(JsonNode.DeepEquals(TestJson.Parse("""
            {"error":"RecordInvalid","description":"Record validation errors",
             "details":{"name":[{"description":"Name: lorem ipsum has already been taken","error":"DuplicateValue"}]}}
            """), body));
    }

    [Fact]
    public async Task EmailIsCreateOnlyAndANewEmailOnUpdateAddsASecondaryIdentity()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var zd = sb.Zendesk();
        var user = new JsonObject
        {
            ["user"] = new JsonObject
            {
                ["name"] = "Ann Smith",
                ["email"] = "ann@contoso.example",
                ["external_id"] = "acu-contact-100001",
                ["skip_verify_email"] = true
            }
        };

        var (created, body) = await zd.SendJsonAsync(HttpMethod.Post, "users/create_or_update", user);
        Assert.Equal(201, created);
        Assert.Empty(specs.Zendesk("UserResponse", body!.ToJsonString()));
        var id = body["user"]!["id"]!.GetValue<long>();

        var (dup, dupBody) = await zd.SendJsonAsync(
            HttpMethod.Post,
            "users",
            new JsonObject { ["user"] = new JsonObject { ["name"] = "Other", ["email"] = "ANN@contoso.example" } });
        Assert.Equal(422, dup);
        Assert.Equal("Email: ANN@contoso.example is already being used by another user", dupBody!["details"]!["email"]![0]!["description"]!.ToString());

        var (updated, upd) = await zd.SendJsonAsync(
            HttpMethod.Put,
            $"users/{id}",
            new JsonObject { ["user"] = new JsonObject { ["email"] = "ann.smith@contoso.example" } });
        Assert.Equal(200, updated);
        Assert.Equal("ann@contoso.example", upd!["user"]!["email"]!.ToString());

        var (_, identities) = await zd.GetJsonAsync($"users/{id}/identities");
        Assert.Empty(specs.Zendesk("UserIdentitiesResponse", identities!.ToJsonString()));
        var secondary = identities["identities"]!.AsArray().Single(i => i!["value"]!.ToString() == "ann.smith@contoso.example")!;
        Assert.False(secondary["primary"]!.GetValue<bool>());

        var (made, _) = await zd.SendJsonAsync(HttpMethod.Put, $"users/{id}/identities/{secondary["id"]}/make_primary");
        Assert.Equal(200, made);
        var (_, after) = await zd.GetJsonAsync($"users/{id}");
        Assert.Equal("ann.smith@contoso.example", after!["user"]!["email"]!.ToString());

        var (createdIdentity, identity) = await zd.SendJsonAsync(
            HttpMethod.Post,
            $"users/{id}/identities",
            new JsonObject { ["identity"] = new JsonObject { ["type"] = "email", ["value"] = "third@contoso.example" } });
        Assert.Equal(201, createdIdentity);
        Assert.Empty(specs.Zendesk("UserIdentityResponse", identity!.ToJsonString()));

        var (matched, byExt) = await zd.SendJsonAsync(HttpMethod.Post, "users/create_or_update",
            new JsonObject { ["user"] = new JsonObject { ["name"] = "Ann S.", ["external_id"] = "ACU-CONTACT-100001" } });
        Assert.Equal(200, matched);
        Assert.Equal(id, byExt!["user"]!["id"]!.GetValue<long>());
        Assert.Equal("ACU-CONTACT-100001", byExt["user"]!["external_id"]!.ToString());

        var (_, search) = await zd.GetJsonAsync("users/search?external_id=acu-contact-100001");
        Assert.Single(search!["users"]!.AsArray());
        Assert.Empty(specs.Zendesk("UsersResponse", search.ToJsonString()));
        var (_, showMany) = await zd.GetJsonAsync($"users/show_many?ids={id}");
        Assert.Single(showMany!["users"]!.AsArray());
    }

    [Fact]
    public async Task ConcurrentWritesToOneRecordGet409DatabaseConflict()
    {
        await using var sb = await TestSandbox.StartAsync();
        var org = sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Busy" });
        sb.Control.GetZendeskSettings("demo").ConflictWindow = TimeSpan.FromSeconds(1);
        using var zd = sb.Zendesk();
        var change = new JsonObject { ["organization"] = new JsonObject { ["notes"] = "x" } };

        Assert.Equal(200, (await zd.SendJsonAsync(HttpMethod.Put, $"organizations/{org["id"]}", change)).Status);
        var (conflict, body) = await zd.SendJsonAsync(HttpMethod.Put, $"organizations/{org["id"]}", change);
        Assert.Equal(409, conflict);
        Assert.Equal("DatabaseConflict", body!["error"]!.ToString());

        sb.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(200, (await zd.SendJsonAsync(HttpMethod.Put, $"organizations/{org["id"]}", change)).Status);
    }

    [Fact]
    public async Task RateLimitAnswers429WithRetryAfterAtTheConfiguredRate()
    {
        await using var sb = await TestSandbox.StartAsync();
        sb.Control.GetZendeskSettings("demo").RateLimitPerMinute = 5;
        using var zd = sb.Zendesk();

        for (var i = 4; i >= 0; i--)
        {
            using var ok = await zd.GetAsync("organizations", TestSandbox.Ct);
            Assert.Equal(200, (int)ok.StatusCode);
            Assert.Equal("5", ok.Headers.GetValues("X-Rate-Limit").Single());
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        }

        sb.Clock.Advance(TimeSpan.FromSeconds(20));
        using var limited = await zd.GetAsync("organizations", TestSandbox.Ct);
        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(40), limited.Headers.RetryAfter!.Delta);

        sb.Clock.Advance(TimeSpan.FromSeconds(40));
        using var again = await zd.GetAsync("organizations", TestSandbox.Ct);
        Assert.Equal(200, (int)again.StatusCode);

        // The limiter's own count, which the chaos verdicts read: a full window of 5, one refusal for the limit.
        Assert.Equal((5, 1), sb.Control.ZendeskRateUsage("demo"));
    }

    [Fact]
    public async Task UnauthenticatedAndWrongScopeAreRefused()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = new Uri(sb.Host.ZendeskUrl("demo") + "/api/v2/") };
        var (status, body) = await anonymous.GetJsonAsync("organizations");
        Assert.Equal(401, status);
        Assert.Equal("Couldn't authenticate you", body!["error"]!.ToString());
    }
}

internal static class TestJson
{
    public static JsonNode Parse(string json) => JsonNode.Parse(json)!;
}
