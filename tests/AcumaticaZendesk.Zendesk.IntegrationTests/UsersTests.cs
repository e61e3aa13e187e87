using System.Text.Json;
using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

public sealed class UsersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ZendeskUser ExistingUser = new()
    {
        Id = 9001,
        Name = "Jane Roe",
        Email = "jane.old@example.com",
        ExternalId = "C-100",
        OrganizationId = 55,
        Role = "end-user",
    };

    [Fact]
    public async Task Upsert_of_a_new_user_sends_email_external_id_organization_and_role()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update")).RespondWith(Reply(201,
            """{"user":{"id":9100,"name":"New Person","email":"new@example.com","external_id":"C-200","organization_id":55,"role":"end-user"}}"""));

        var result = await host.Client.Users.UpsertAsync(new ZendeskUserUpsert(new ZendeskUserWrite
        {
            Name = "New Person",
            Email = "new@example.com",
            ExternalId = "C-200",
            OrganizationId = 55,
            Role = "end-user",
        }), Ct);

        Assert.True(result.User.Succeeded);
        Assert.True(result.User.Created);
        Assert.Null(result.AddedIdentity);
        using var body = JsonDocument.Parse(Assert.Single(host.Sent).Body!);
        var user = body.RootElement.GetProperty("user");
        Assert.Equal("new@example.com", user.GetProperty("email").GetString());
        Assert.Equal("C-200", user.GetProperty("external_id").GetString());
        Assert.Equal(55, user.GetProperty("organization_id").GetInt64());
        Assert.Equal("end-user", user.GetProperty("role").GetString());
        Assert.True(user.GetProperty("skip_verify_email").GetBoolean());
        Assert.False(user.TryGetProperty("id", out _));
    }

    [Fact]
    public async Task Email_change_adds_a_secondary_identity_and_leaves_the_primary_email()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update")).RespondWith(Reply(200,
            """{"user":{"id":9001,"name":"Jane Roe","email":"jane.old@example.com","external_id":"C-100","organization_id":56}}"""));
        host.Server.Given(Api("GET", "/api/v2/users/9001/identities")).RespondWith(Reply(200,
            """
            {
              "identities": [
                {
                  "id": 1,
                  "user_id": 9001,
                  "type": "email",
                  "value": "jane.old@example.com",
                  "primary": true
                }
              ],
              "meta": {
                "has_more": false,
                "after_cursor": null
              }
            }
            """));
        host.Server.Given(Api("POST", "/api/v2/users/9001/identities")).RespondWith(Reply(201,
            """{"identity":{"id":2,"user_id":9001,"type":"email","value":"jane.new@example.com","primary":false,"verified":false}}"""));

        var result = await host.Client.Users.UpsertAsync(new ZendeskUserUpsert(
            new ZendeskUserWrite { Name = "Jane Roe", Email = "jane.new@example.com", ExternalId = "C-100", OrganizationId = 56 },
            ExistingUser), Ct);

        Assert.True(result.User.Succeeded);
        Assert.Equal(2, result.AddedIdentity!.Id);
        Assert.False(result.AddedIdentity.Primary);
        using var upsertBody = JsonDocument.Parse(host.SentTo("/users/create_or_update")[0].Body!);
        var user = upsertBody.RootElement.GetProperty("user");
        Assert.Equal(9001, user.GetProperty("id").GetInt64());
        Assert.False(user.TryGetProperty("email", out _)); // the primary email is never overwritten
        using var identityBody = JsonDocument.Parse(
            host.Sent.Single(s => s.Method == HttpMethod.Post && s.Path.EndsWith("/identities", StringComparison.Ordinal)).Body!);
        Assert.Equal("email", identityBody.RootElement.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("jane.new@example.com", identityBody.RootElement.GetProperty("identity").GetProperty("value").GetString());
        Assert.DoesNotContain(host.Sent, s => s.Path.EndsWith("/make_primary", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Sent, s => s.Method == HttpMethod.Put);
    }

    [Fact]
    public async Task Email_change_can_make_the_new_identity_primary_when_asked()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update")).RespondWith(Reply(200, """{"user":{"id":9001,"name":"Jane Roe"}}"""));
        host.Server.Given(Api("GET", "/api/v2/users/9001/identities")).RespondWith(Reply(200,
            """
            {
              "identities": [
                {
                  "id": 1,
                  "user_id": 9001,
                  "type": "email",
                  "value": "jane.old@example.com",
                  "primary": true
                },
                {
                  "id": 3,
                  "user_id": 9001,
                  "type": "email",
                  "value": "JANE.NEW@example.com",
                  "primary": false
                }
              ],
              "meta": {
                "has_more": false
              }
            }
            """));
        host.Server.Given(Api("PUT", "/api/v2/users/9001/identities/3/make_primary")).RespondWith(Reply(200, """{"identities":[]}"""));

        var result = await host.Client.Users.UpsertAsync(new ZendeskUserUpsert(
            new ZendeskUserWrite { Name = "Jane Roe", Email = "jane.new@example.com", ExternalId = "C-100" }, ExistingUser, MakeEmailPrimary: true), Ct);

        Assert.True(result.AddedIdentity!.Primary);
        Assert.Single(host.SentTo("/identities/3/make_primary"));
        Assert.DoesNotContain(host.Sent, s => s.Method == HttpMethod.Post && s.Path.EndsWith("/identities", StringComparison.Ordinal)); // already an identity
    }

    [Fact]
    public async Task Email_taken_by_another_user_is_a_typed_record_error()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update")).RespondWith(Reply(422,
            """
            {
              "error": "RecordInvalid",
              "description": "Record validation errors",
              "details": {
                "email": [
                  {
                    "description": "Email: duplicate@user.com is already being used by another user",
                    "error": "DuplicateValue"
                  }
                ]
              }
            }
            """));

        var result = await host.Client.Users.UpsertAsync(
            new ZendeskUserUpsert(new ZendeskUserWrite { Name = "Dup", Email = "duplicate@user.com", ExternalId = "C-9" }),
            Ct);

        Assert.False(result.User.Succeeded);
        Assert.Equal(ZendeskRecordErrorKind.DuplicateValue, result.User.Error!.Kind);
        Assert.Equal("email", result.User.Error.Field);
    }

    [Fact]
    public async Task Bulk_upsert_runs_a_job_and_adds_identities_for_changed_emails()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update_many")).RespondWith(
            Reply(200, """{"job_status":{"id":"job-users","status":"queued"}}"""));
        host.Server.Given(Api("GET", "/api/v2/job_statuses/job-users")).RespondWith(Reply(200, """
            {"job_status":{"id":"job-users","status":"completed","results":[
              {"id":9001,"action":"update","status":"Updated","success":true},
              {"id":9200,"index":1,"action":"create","status":"Created","success":true}]}}
            """));
        host.Server.Given(Api("GET", "/api/v2/users/9001/identities")).RespondWith(Reply(200,
            """{"identities":[{"id":1,"user_id":9001,"type":"email","value":"jane.old@example.com","primary":true}],"meta":{"has_more":false}}"""));
        host.Server.Given(Api("POST", "/api/v2/users/9001/identities")).RespondWith(Reply(201,
            """{"identity":{"id":2,"user_id":9001,"type":"email","value":"jane.new@example.com","primary":false}}"""));
        ZendeskUserUpsert[] upserts =
        [
            new(new ZendeskUserWrite { Name = "Jane Roe", Email = "jane.new@example.com", ExternalId = "C-100" }, ExistingUser),
            new(new ZendeskUserWrite { Name = "Sam Poe", Email = "sam@example.com", ExternalId = "C-300", OrganizationId = 55 }),
        ];

        var results = await host.RunAsync(host.Client.Users.UpsertManyAsync(upserts, Ct));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal([9001L, 9200L], results.Select(r => r.Id!.Value));
        Assert.Single(host.Sent, s => s.Method == HttpMethod.Post && s.Path.EndsWith("/users/9001/identities", StringComparison.Ordinal));
        using var body = JsonDocument.Parse(Assert.Single(host.SentTo("/create_or_update_many")).Body!);
        var users = body.RootElement.GetProperty("users");
        Assert.False(users[0].TryGetProperty("email", out _));
        Assert.Equal("sam@example.com", users[1].GetProperty("email").GetString());
    }

    [Fact]
    public async Task Bulk_upsert_maps_live_results_without_index_by_position_and_a_failure_s_id_names_no_record()
    {
        // Live create_or_update_many results (Zendesk staff): {id, status, email} in request order, no index; a failure
        // is {id, error, details, status: Failed} whose id is a small number that names no record.
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update_many")).RespondWith(Reply(200, """{"job_status":{"id":"job-live","status":"queued"}}"""));
        host.Server.Given(Api("GET", "/api/v2/job_statuses/job-live")).RespondWith(Reply(200, """
            {"job_status":{"id":"job-live","status":"completed","total":3,"progress":3,"results":[
              {"id":9300,"status":"Created","email":"sam@example.com"},
              {"id":1,"error":"EmailNotAllowed","details":"Email: tom@blocked.example is not allowed","status":"Failed"},
              {"id":9001,"status":"Updated","email":"jane.old@example.com"}]}}
            """));
        ZendeskUserUpsert[] upserts =
        [
            new(new ZendeskUserWrite { Name = "Sam Poe", Email = "sam@example.com", ExternalId = "C-300" }),
            new(new ZendeskUserWrite { Name = "Tom Blocked", Email = "tom@blocked.example", ExternalId = "C-301" }),
            new(new ZendeskUserWrite { Name = "Jane Roe", Email = "jane.old@example.com", ExternalId = "C-100" }, ExistingUser),
        ];

        var results = await host.RunAsync(host.Client.Users.UpsertManyAsync(upserts, Ct));

        Assert.Equal([0, 1, 2], results.Select(r => r.Index));
        Assert.Equal((9300L, "create"), (results[0].Id!.Value, results[0].Action));
        Assert.False(results[1].Succeeded);
        Assert.Null(results[1].Id); // not user 1: the failure's id names no record
        Assert.Equal("EmailNotAllowed", results[1].Error!.Code);
        Assert.Contains("not allowed", results[1].Error!.Description, StringComparison.Ordinal);
        Assert.Equal((9001L, "update"), (results[2].Id!.Value, results[2].Action));
    }

    [Fact]
    public async Task Bulk_upsert_results_out_of_order_are_matched_by_id_and_email_not_by_position()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update_many")).RespondWith(Reply(200, """{"job_status":{"id":"job-swap","status":"queued"}}"""));
        host.Server.Given(Api("GET", "/api/v2/job_statuses/job-swap")).RespondWith(Reply(200, """
            {"job_status":{"id":"job-swap","status":"completed","results":[
              {"id":9001,"status":"Updated","email":"jane.old@example.com"},
              {"id":9300,"status":"Created","email":"sam@example.com"}]}}
            """));
        ZendeskUserUpsert[] upserts =
        [
            new(new ZendeskUserWrite { Name = "Sam Poe", Email = "sam@example.com", ExternalId = "C-300" }),
            new(new ZendeskUserWrite { Name = "Jane Roe", Email = "jane.old@example.com", ExternalId = "C-100" }, ExistingUser),
        ];

        var results = await host.RunAsync(host.Client.Users.UpsertManyAsync(upserts, Ct));

        Assert.Equal([9300L, 9001L], results.Select(r => r.Id!.Value));
        Assert.All(results, r => Assert.True(r.Succeeded));
    }

    [Fact]
    public async Task Bulk_upsert_refused_with_403_falls_back_to_single_calls_and_remembers_it()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update_many")).RespondWith(Reply(403,
            """
            {
              "error": "Forbidden",
              "description": "You do not have access to this page. Please contact the account owner of this help desk for further help."
            }
            """));
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update").WithBody(new WireMock.Matchers.WildcardMatcher("*C-1*")))
            .RespondWith(Reply(201, """{"user":{"id":1,"name":"One","external_id":"C-1"}}"""));
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update").WithBody(new WireMock.Matchers.WildcardMatcher("*C-2*")))
            .RespondWith(
                Reply(
                    422,
                    """
                    {
                      "error": "RecordInvalid",
                      "description": "Record validation errors",
                      "details": {
                        "email": [
                          {
                            "description": "Email: x is already being used by another user",
                            "error": "DuplicateValue"
                          }
                        ]
                      }
                    }
                    """));
        ZendeskUserUpsert[] upserts =
        [
            new(new ZendeskUserWrite { Name = "One", Email = "one@example.com", ExternalId = "C-1" }),
            new(new ZendeskUserWrite { Name = "Two", Email = "two@example.com", ExternalId = "C-2" }),
        ];

        var first = await host.RunAsync(host.Client.Users.UpsertManyAsync(upserts, Ct));
        var second = await host.RunAsync(host.Client.Users.UpsertManyAsync(upserts[..1], Ct));

        Assert.True(first[0].Succeeded);
        Assert.Equal(1, first[0].Id);
        Assert.Equal("create", first[0].Action);
        Assert.Equal(ZendeskRecordErrorKind.DuplicateValue, first[1].Error!.Kind);
        Assert.True(second[0].Succeeded);
        Assert.Single(host.SentTo("/create_or_update_many")); // not asked again after the 403
        Assert.Equal(3, host.SentTo("/users/create_or_update").Count);
    }

    [Fact]
    public async Task Lookups_by_external_id_and_email()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/users/show_many")).RespondWith(Reply(200,
            """{"users":[{"id":1,"name":"A","external_id":"C-1"},{"id":2,"name":"B","external_id":"c-2"}]}"""));
        host.Server.Given(Api("GET", "/api/v2/users/search").WithParam("query", "email:b@example.com")).RespondWith(Reply(200,
            """{"users":[{"id":2,"name":"B","email":"b@example.com"}],"count":1,"next_page":null}"""));

        var byExternalId = await host.Client.Users.GetByExternalIdsAsync(["c-1", "C-2", "C-3"], Ct);
        var byEmail = await host.Client.Users.FindByEmailAsync("b@example.com", Ct);

        Assert.Equal(1, byExternalId["c-1"].Id);
        Assert.Equal(2, byExternalId["C-2"].Id);
        Assert.False(byExternalId.ContainsKey("C-3"));
        Assert.Equal("c-1,C-2,C-3", host.SentTo("/users/show_many")[0].Query("external_ids"));
        Assert.Equal(2, Assert.Single(byEmail).Id);
    }
}
