using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

public sealed class OrganizationsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lookup_by_external_id_batches_100_per_show_many_call_and_matches_case_insensitively()
    {
        await using var host = new TestHost();
        // Echo every requested external_id back in upper case, except those ending in 7 (not found).
        host.Server.Given(Api("GET", "/api/v2/organizations/show_many")).RespondWith(Response.Create().WithCallback(request =>
        {
            var ids = string.Join(',', request.Query!["external_ids"]).Split(',');
            var orgs = ids.Where(id => !id.EndsWith('7')).Select((id, i) => new { id = 1000 + i, name = "Org " + id, external_id = id.ToUpperInvariant() });
            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData
                {
                    BodyAsString = JsonSerializer.Serialize(new { organizations = orgs }),
                    DetectedBodyType = WireMock.Types.BodyType.String
                },
            };
        }));
        var wanted = Enumerable.Range(1, 250).Select(i => $"cust-{i}").Concat(["CUST-1"]).ToList();

        var found = await host.RunAsync(host.Client.Organizations.GetByExternalIdsAsync(wanted, Ct));

        var calls = host.SentTo("/api/v2/organizations/show_many");
        Assert.Equal([100, 100, 50], calls.Select(c => c.Query("external_ids")!.Split(',').Length));
        Assert.Equal(250, calls.SelectMany(c => c.Query("external_ids")!.Split(',')).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(250 - 25, found.Count);
        Assert.True(found.ContainsKey("cust-1"));
        Assert.Equal("CUST-42", found["cust-42"].ExternalId);
        Assert.False(found.ContainsKey("cust-7"));
    }

    [Fact]
    public async Task Find_by_name_returns_only_exact_case_insensitive_matches()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/organizations/search").WithParam("name", "Acme Corp")).RespondWith(Reply(200,
            """{"organizations":[{"id":1,"name":"ACME corp"},{"id":2,"name":"Acme Corporation"}],"next_page":null,"count":2}"""));

        var matches = await host.Client.Organizations.FindByNameAsync("Acme Corp", Ct);

        Assert.Equal(1, Assert.Single(matches).Id);
    }

    [Fact]
    public async Task Create_many_waits_for_the_job_and_maps_mixed_results_back_by_index()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/organizations/create_many")).RespondWith(Reply(200,
            """{"job_status":{"id":"job-1","status":"queued","total":3,"progress":0,"url":"x"}}"""));
        host.Server.Sequence(Api("GET", "/api/v2/job_statuses/job-1"),
            Reply(200, """{"job_status":{"id":"job-1","status":"working","total":3,"progress":1}}"""),
            Reply(200, """
                {"job_status":{"id":"job-1","status":"completed","total":3,"progress":3,"message":"Completed",
                 "results":[{"id":501,"index":2},
                            {"index":1,"error":"DuplicateValue","details":"Name: Beta Ltd has already been taken","success":false},
                            {"id":500,"index":0}]}}
                """));
        ZendeskOrganizationWrite[] orgs =
        [
            new() { Name = "Alpha", ExternalId = "A1" },
            new() { Name = "Beta Ltd", ExternalId = "B1" },
            new() { Name = "Gamma", ExternalId = "C1", Tags = ["acumatica"] },
        ];

        var results = await host.RunAsync(host.Client.Organizations.CreateManyAsync(orgs, Ct));

        Assert.Equal([0, 1, 2], results.Select(r => r.Index));
        Assert.Equal(["A1", "B1", "C1"], results.Select(r => r.ExternalId));
        Assert.True(results[0].Succeeded);
        Assert.Equal(500, results[0].Id);
        Assert.Equal(501, results[2].Id);
        Assert.False(results[1].Succeeded);
        Assert.Equal(ZendeskRecordErrorKind.DuplicateValue, results[1].Error!.Kind);
        Assert.Contains("already been taken", results[1].Error!.Description, StringComparison.Ordinal);
        Assert.All(results, r => Assert.Equal("job-1", r.JobId));
        Assert.Equal(2, host.SentTo("/api/v2/job_statuses/job-1").Count);
        using var body = JsonDocument.Parse(Assert.Single(host.SentTo("/create_many")).Body!);
        Assert.Equal(
            ["Alpha", "Beta Ltd", "Gamma"],
            body.RootElement.GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        Assert.False(body.RootElement.GetProperty("organizations")[0].TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Create_many_splits_into_jobs_of_100_and_keeps_the_callers_order()
    {
        await using var host = new TestHost();
        var job = 0;
        host.Server.Given(Api("POST", "/api/v2/organizations/create_many")).RespondWith(Response.Create().WithCallback(request =>
        {
            var count = JsonDocument.Parse(request.Body!).RootElement.GetProperty("organizations").GetArrayLength();
            var id = $"job-{Interlocked.Increment(ref job)}-{count}";
            return Message(200, "{\"job_status\":{\"id\":\"" + id + "\",\"status\":\"queued\"}}");
        }));
        // The concurrent jobs are polled together (job_statuses/show_many).
        host.Server.JobStatuses(id =>
        {
            var count = int.Parse(id.Split('-')[^1], System.Globalization.CultureInfo.InvariantCulture);
            var results = string.Join(',', Enumerable.Range(0, count).Select(i => $$"""{"index":{{i}},"id":{{(count * 1000) + i}}}"""));
            return "{\"id\":\"" + id + "\",\"status\":\"completed\",\"results\":[" + results + "]}";
        });
        var orgs = Enumerable.Range(0, 230).Select(i => new ZendeskOrganizationWrite { Name = $"Org {i}", ExternalId = $"E{i}" }).ToList();

        var results = await host.RunAsync(host.Client.Organizations.CreateManyAsync(orgs, Ct));

        Assert.Equal(230, results.Count);
        Assert.Equal(Enumerable.Range(0, 230), results.Select(r => r.Index));
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(
            [100, 100, 30],
            host.SentTo("/create_many").Select(s => JsonDocument.Parse(s.Body!).RootElement.GetProperty("organizations").GetArrayLength()).Order().Reverse());
        Assert.Equal("E229", results[229].ExternalId);
        Assert.Equal(30_000 + 29, results[229].Id);
    }

    [Fact]
    public async Task Bulk_jobs_of_one_account_wait_for_a_free_job_slot()
    {
        await using var host = new TestHost(o => o.MaxConcurrentBulkJobs = 1);
        var submitted = 0;
        host.Server.Given(Api("POST", "/api/v2/organizations/create_many")).RespondWith(Response.Create().WithCallback(_ =>
            Message(200, "{\"job_status\":{\"id\":\"job-" + Interlocked.Increment(ref submitted) + "\",\"status\":\"queued\"}}")));
        host.Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher(TestHost.Prefix + "/api/v2/job_statuses/*")).UsingGet())
            .RespondWith(Response.Create().WithCallback(request =>
                Message(200, "{\"job_status\":{\"id\":\"" + request.Path.Split('/')[^1] + "\",\"status\":\"completed\",\"results\":[]}}")));
        var orgs = Enumerable.Range(0, 250).Select(i => new ZendeskOrganizationWrite { Name = $"Org {i}", ExternalId = $"E{i}" }).ToList();

        await host.RunAsync(host.Client.Organizations.CreateManyAsync(orgs, Ct));

        // With one slot, each job is polled to completion before the next is submitted.
        var order = host.Sent.Select(s => s.Path.EndsWith("/create_many", StringComparison.Ordinal) ? "submit" : "poll").ToList();
        Assert.Equal(["submit", "poll", "submit", "poll", "submit", "poll"], order);
    }

    [Fact]
    public async Task Update_many_maps_results_without_index_by_id_and_reports_missing_results()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("PUT", "/api/v2/organizations/update_many")).RespondWith(Reply(200,
            """{"job_status":{"id":"job-u","status":"queued"}}"""));
        host.Server.Given(Api("GET", "/api/v2/job_statuses/job-u")).RespondWith(Reply(200, """
            {"job_status":{"id":"job-u","status":"completed","results":[
              {"id":12,"action":"update","success":false,"error":"PermissionDenied","details":"You do not have access"},
              {"id":11,"action":"update","success":true,"status":"Updated"}]}}
            """));
        ZendeskOrganizationWrite[] orgs =
        [
            new() { Id = 11, Name = "Eleven", ExternalId = "E11" },
            new() { Id = 12, Name = "Twelve", ExternalId = "E12" },
            new() { Id = 13, Name = "Thirteen", ExternalId = "E13" },
        ];

        var results = await host.RunAsync(host.Client.Organizations.UpdateManyAsync(orgs, Ct));

        Assert.True(results[0].Succeeded);
        Assert.Equal("update", results[0].Action);
        Assert.Equal("PermissionDenied", results[1].Error!.Code);
        Assert.Equal(ZendeskRecordErrorKind.Other, results[1].Error!.Kind);
        Assert.Equal("NoResult", results[2].Error!.Code);
        using var body = JsonDocument.Parse(Assert.Single(host.SentTo("/update_many")).Body!);
        Assert.Equal([11L, 12L, 13L], body.RootElement.GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task Single_create_with_a_taken_name_is_a_typed_record_error_not_an_exception()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/organizations")).RespondWith(Reply(422,
            """
            {
              "error": "RecordInvalid",
              "description": "Record validation errors",
              "details": {
                "name": [
                  {
                    "description": "Name: Lorem Ipsum has already been taken",
                    "error": "DuplicateValue"
                  }
                ]
              }
            }
            """));

        var result = await host.Client.Organizations.CreateAsync(new ZendeskOrganizationWrite { Name = "Lorem Ipsum", ExternalId = "L1" }, Ct);

        Assert.False(result.Succeeded);
        Assert.Equal(ZendeskRecordErrorKind.DuplicateValue, result.Error!.Kind);
        Assert.Equal("name", result.Error.Field);
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, result.Error.Status);
        Assert.Single(host.Sent); // a 422 is not retried
    }

    [Fact]
    public async Task Single_update_puts_to_the_organization_and_returns_it()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("PUT", "/api/v2/organizations/77")).RespondWith(Reply(200,
            """{"organization":{"id":77,"name":"Renamed","external_id":"R1","updated_at":"2026-11-25T12:00:00Z"}}"""));

        var result = await host.Client.Organizations.UpdateAsync(new ZendeskOrganizationWrite { Id = 77, Name = "Renamed", ExternalId = "R1" }, Ct);

        Assert.True(result.Succeeded);
        Assert.False(result.Created);
        Assert.Equal("Renamed", result.Value!.Name);
        using var body = JsonDocument.Parse(host.Sent[0].Body!);
        Assert.False(body.RootElement.GetProperty("organization").TryGetProperty("id", out _));
        Assert.Equal("R1", body.RootElement.GetProperty("organization").GetProperty("external_id").GetString());
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_clear_message_before_any_request()
    {
        await using var host = new TestHost();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Client.Organizations.UpdateManyAsync([new ZendeskOrganizationWrite { Name = "No id", ExternalId = "N1" }], Ct));

        Assert.Contains("N1", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Sent);
    }

    internal static WireMock.ResponseMessage Message(int status, string json) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new WireMock.Util.BodyData { BodyAsString = json, DetectedBodyType = BodyType.String },
    };
}
