using WireMock.Matchers;
using WireMock.RequestBuilders;
using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>
/// The request bodies the client really sends validate against the official OpenAPI schemas. Where an
/// operation declares no request body (organization update, create_many, update_many, identities), the envelope
/// its description documents is composed over the spec's components.
/// </summary>
public sealed class ContractTests(ZendeskSpec spec)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string OrganizationEnvelope = """
        {"type":"object","required":["organization"],"unevaluatedProperties":false,
         "properties":{"organization":{"$ref":"#/components/schemas/OrganizationObject"}}}
        """;

    private const string OrganizationsCreateEnvelope = """
        {"type":"object","required":["organizations"],"unevaluatedProperties":false,
         "properties":{"organizations":{"type":"array","minItems":1,"maxItems":100,"items":{"$ref":"#/components/schemas/OrganizationObject"}}}}
        """;

    private const string OrganizationsUpdateEnvelope = """
        {"type":"object","required":["organizations"],"unevaluatedProperties":false,
         "properties":{"organizations":{"type":"array","minItems":1,"maxItems":100,
           "items":{"allOf":[{"$ref":"#/components/schemas/OrganizationObject"},{"required":["id"]}]}}}}
        """;

    private const string IdentityEnvelope = """
        {"type":"object","required":["identity"],"unevaluatedProperties":false,
         "properties":{"identity":{"$ref":"#/components/schemas/UserIdentityInput"}}}
        """;

    private const string UsersBatchLimit = """
        {"type":"object","unevaluatedProperties":false,"properties":{"users":{"type":"array","minItems":1,"maxItems":100}}}
        """;

    [Fact]
    public async Task Organization_bodies_validate_against_the_official_schemas()
    {
        await using var host = new TestHost();
        StubEverything(host);
        ZendeskOrganizationWrite full = new()
        {
            Name = "Acme Corp",
            ExternalId = "CUST-1",
            Details = "1 Main St",
            Notes = "from Acumatica",
            DomainNames = ["acme.example"],
            Tags = ["acumatica", "customer"],
            SharedTickets = false,
            SharedComments = false,
            OrganizationFields = new Dictionary<string, object?> { ["customer_class"] = "WHOLESALE", ["credit_limit"] = 5000m },
        };

        await host.Client.Organizations.CreateAsync(full, Ct);
        await host.Client.Organizations.UpdateAsync(full with { Id = 7 }, Ct);
        await host.RunAsync(host.Client.Organizations.CreateManyAsync(
            [.. Enumerable.Range(0, 120).Select(i => full with { Name = $"Org {i}", ExternalId = $"E{i}" })], Ct));
        await host.RunAsync(host.Client.Organizations.UpdateManyAsync([full with { Id = 7 }, full with { Id = 8, Name = "Other", ExternalId = "E8" }], Ct));

        AssertValid(spec.RequestSchema(HttpMethod.Post, "/api/v2/organizations")!, host.SentTo("/api/v2/organizations"));
        Assert.Null(spec.RequestSchema(HttpMethod.Put, "/api/v2/organizations/{organization_id}"));
        AssertValid(spec.Composed(OrganizationEnvelope), host.SentTo("/api/v2/organizations/7"));
        Assert.True(spec.HasOperation(HttpMethod.Post, "/api/v2/organizations/create_many"));
        AssertValid(spec.Composed(OrganizationsCreateEnvelope), host.SentTo("/organizations/create_many"), expected: 2);
        Assert.True(spec.HasOperation(HttpMethod.Put, "/api/v2/organizations/update_many"));
        AssertValid(spec.Composed(OrganizationsUpdateEnvelope), host.SentTo("/organizations/update_many"));
    }

    [Fact]
    public async Task User_and_identity_bodies_validate_against_the_official_schemas()
    {
        await using var host = new TestHost();
        StubEverything(host);
        var existing = new ZendeskUser { Id = 9001, Name = "Jane", Email = "old@example.com", ExternalId = "C-1" };
        var write = new ZendeskUserWrite
        {
            Name = "Jane Roe",
            Email = "jane@example.com",
            ExternalId = "C-1",
            OrganizationId = 55,
            Role = "end-user",
            Phone = "+15551234567",
            Tags = ["acumatica"],
        };

        await host.Client.Users.UpsertAsync(new ZendeskUserUpsert(write), Ct);
        await host.Client.Users.UpsertAsync(new ZendeskUserUpsert(write, existing), Ct); // email change → identity
        await host.RunAsync(host.Client.Users.UpsertManyAsync(
            [.. Enumerable.Range(0, 101).Select(i => new ZendeskUserUpsert(write with { ExternalId = $"C-{i}", Email = $"u{i}@example.com" }))], Ct));

        AssertValid(spec.RequestSchema(HttpMethod.Post, "/api/v2/users/create_or_update")!, host.SentTo("/users/create_or_update"), expected: 2);
        var many = host.SentTo("/users/create_or_update_many");
        AssertValid(spec.RequestSchema(HttpMethod.Post, "/api/v2/users/create_or_update_many")!, many, expected: 2);
        AssertValid(spec.Composed(UsersBatchLimit), many, expected: 2);
        Assert.Null(spec.RequestSchema(HttpMethod.Post, "/api/v2/users/{user_id}/identities"));
        AssertValid(
            spec.Composed(IdentityEnvelope),
            [.. host.Sent.Where(s => s.Method == HttpMethod.Post && s.Path.EndsWith("/identities", StringComparison.Ordinal))]);
    }

    [Fact]
    public void The_contract_check_catches_bodies_that_break_the_schema()
    {
        var identity = spec.Composed(IdentityEnvelope);
        var organizations = spec.Composed(OrganizationsCreateEnvelope);

        Assert.Contains(
            ZendeskSpec.Validate(identity, """{"identity":{"type":"mail","value":"x@example.com"}}"""),
            e => e.Contains("/identity/type", StringComparison.Ordinal));
        Assert.Contains(
            ZendeskSpec.Validate(organizations, """{"organizations":[{"name":"ok"},{"external_id":"no-name"}]}"""),
            e => e.Contains("/organizations/1", StringComparison.Ordinal));
        Assert.NotEmpty(ZendeskSpec.Validate(organizations, """{"organization":[{"name":"wrong envelope"}]}"""));
        Assert.NotEmpty(ZendeskSpec.Validate(spec.RequestSchema(HttpMethod.Post, "/api/v2/users/create_or_update")!, """{"users":[]}"""));
    }

    [Fact]
    public async Task Job_status_polls_use_show_many_as_the_spec_defines_it()
    {
        const string showMany = "/api/v2/job_statuses/show_many";
        Assert.Equal((true, true), spec.QueryParameter(HttpMethod.Get, showMany, "ids"));
        var example = spec.ResponseExample(HttpMethod.Get, showMany, "200");
        var schema = spec.ResponseSchema(HttpMethod.Get, showMany, "200");
        Assert.Empty(ZendeskSpec.Validate(schema, example));
        Assert.NotEmpty(ZendeskSpec.Validate(schema, """{"job_status":{"id":"x","status":"completed"}}""")); // the single-status envelope is not it
        using var document = System.Text.Json.JsonDocument.Parse(example);
        List<string> ids = [.. document.RootElement.GetProperty("job_statuses").EnumerateArray().Select(j => j.GetProperty("id").GetString()!)];
        await using var host = new TestHost();
        host.Server.Given(Api("GET", showMany)).RespondWith(Reply(200, example));

        var finished = await host.PollUntilDoneAsync(
            Task.WhenAll(ids.Select(id => host.Client.Jobs.WaitAsync(new ZendeskJobStatus { Id = id, Status = "queued" }, Ct))), jobs: ids.Count);

        Assert.Equal(ids, finished.Select(j => j.Id));
        Assert.All(finished, j => Assert.Equal("completed", j.Status));
        var sent = Assert.Single(host.Sent);
        Assert.Equal(TestHost.Prefix + showMany, sent.Path);
        Assert.Equal(ids, sent.Query("ids")!.Split(','));
    }

    private static void AssertValid(Json.Schema.JsonSchema schema, IReadOnlyList<SentRequest> requests, int expected = 1)
    {
        Assert.Equal(expected, requests.Count);
        foreach (var request in requests)
        {
            var errors = ZendeskSpec.Validate(schema, request.Body!);
            Assert.True(errors.Count == 0, $"{request.Method} {request.Path}: {string.Join("; ", errors)}");
        }
    }

    private static void StubEverything(TestHost host)
    {
        host.Server.Given(Api("POST", "/api/v2/organizations")).RespondWith(Reply(201, """{"organization":{"id":1,"name":"Acme Corp"}}"""));
        host.Server.Given(Api("PUT", "/api/v2/organizations/7")).RespondWith(Reply(200, """{"organization":{"id":7,"name":"Acme Corp"}}"""));
        host.Server.Given(Api("POST", "/api/v2/organizations/create_many")).RespondWith(
            Reply(200, """{"job_status":{"id":"j1","status":"completed","results":[]}}"""));
        host.Server.Given(Api("PUT", "/api/v2/organizations/update_many")).RespondWith(
            Reply(200, """{"job_status":{"id":"j2","status":"completed","results":[]}}"""));
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update")).RespondWith(Reply(200, """{"user":{"id":9001,"name":"Jane Roe"}}"""));
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update_many")).RespondWith(
            Reply(200, """{"job_status":{"id":"j3","status":"completed","results":[]}}"""));
        host.Server.Given(Request.Create().WithPath(new WildcardMatcher(TestHost.Prefix + "/api/v2/users/*/identities")).UsingGet())
            .RespondWith(Reply(200, """{"identities":[],"meta":{"has_more":false}}"""));
        host.Server.Given(Request.Create().WithPath(new WildcardMatcher(TestHost.Prefix + "/api/v2/users/*/identities")).UsingPost())
            .RespondWith(Reply(201, """{"identity":{"id":2,"user_id":9001,"type":"email","value":"jane@example.com","primary":false}}"""));
    }
}
