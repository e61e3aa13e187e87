using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Testing.VendorSpecs;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

public sealed class ZendeskJobsAndPagingTests(Specs specs)
{
    [Fact]
    public async Task BulkJobGoesQueuedWorkingCompletedAppliesAtCompletionAndExpires()
    {
        await using var sb = await TestSandbox.StartAsync();
        sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Taken" });
        using var zd = sb.Zendesk();
        var body = new JsonObject
        {
            ["organizations"] = new JsonArray(
                new JsonObject { ["name"] = "Bulk One", ["external_id"] = "B1" },
                new JsonObject { ["name"] = "Taken", ["external_id"] = "B2" }),
        };

        var (status, queued) = await zd.SendJsonAsync(HttpMethod.Post, "organizations/create_many", body);
        Assert.Equal(200, status);
        Assert.Empty(specs.Zendesk("JobStatusResponse", queued!.ToJsonString()));
        Assert.Equal("queued", queued["job_status"]!["status"]!.ToString());
        var id = queued["job_status"]!["id"]!.ToString();
        Assert.Empty((await zd.GetJsonAsync("organizations/show_many?external_ids=B1")).Body!["organizations"]!.AsArray());

        sb.Clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal("working", (await zd.GetJsonAsync($"job_statuses/{id}")).Body!["job_status"]!["status"]!.ToString());

        sb.Clock.Advance(TimeSpan.FromMilliseconds(600));
        var (_, done) = await zd.GetJsonAsync($"job_statuses/{id}.json");
        var job = done!["job_status"]!;
        Assert.Equal("completed", job["status"]!.ToString());
        Assert.Equal(2, (int)job["progress"]!);
        var results = job["results"]!.AsArray();
        Assert.Equal(0, (int)results[0]!["index"]!);
        Assert.True(results[0]!["id"]!.GetValue<long>() > 0);
        Assert.False(results[1]!["success"]!.GetValue<bool>());
        Assert.Equal("DuplicateValue", results[1]!["error"]!.ToString());
        Assert.Equal(1, results[1]!["id"]!.GetValue<long>()); // a failed create names no record: a small number
        Assert.Null(results[1]!["index"]);
        Assert.Empty(specs.Zendesk("JobStatusResponse", done.ToJsonString()));
        Assert.Single((await zd.GetJsonAsync("organizations/show_many?external_ids=B1")).Body!["organizations"]!.AsArray());

        sb.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(404, (await zd.GetJsonAsync($"job_statuses/{id}")).Status);
    }

    [Fact]
    public async Task ShowManyJobStatusesLeavesOutUnknownAndExpiredIdsAndTakesAtMost100()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var zd = sb.Zendesk();
        var ids = new List<string>();
        foreach (var name in new[] { "One", "Two" })
        {
            var (_, queued) = await zd.SendJsonAsync(HttpMethod.Post, "organizations/create_many",
                new JsonObject { ["organizations"] = new JsonArray(new JsonObject { ["name"] = name }) });
            ids.Add(queued!["job_status"]!["id"]!.ToString());
        }

        sb.Clock.Advance(TimeSpan.FromSeconds(5));
        var (status, both) = await zd.GetJsonAsync($"job_statuses/show_many?ids={ids[0]},unknown-job,{ids[1]}");
        Assert.Equal(200, status);
        Assert.Empty(specs.Zendesk("JobStatusesResponse", both!.ToJsonString()));
        Assert.Equal(ids, both["job_statuses"]!.AsArray().Select(j => j!["id"]!.ToString()));
        Assert.All(both["job_statuses"]!.AsArray(), j => Assert.Equal("completed", j!["status"]!.ToString()));

        sb.Clock.Advance(TimeSpan.FromHours(1));
        var (_, expired) = await zd.GetJsonAsync($"job_statuses/show_many?ids={ids[0]},{ids[1]}");
        Assert.Empty(expired!["job_statuses"]!.AsArray());

        var tooMany = string.Join(',', Enumerable.Range(0, 101).Select(i => $"job-{i}"));
        Assert.Equal(400, (await zd.GetJsonAsync($"job_statuses/show_many?ids={tooMany}")).Status);
    }

    [Fact]
    public async Task CreateOrUpdateManyUsersAnswersLiveResultsInRequestOrderWithoutIndex()
    {
        await using var sb = await TestSandbox.StartAsync();
        var existing = sb.Control.CreateUser("demo", new JsonObject { ["name"] = "Old", ["email"] = "old@x.example", ["external_id"] = "u-1" });
        using var zd = sb.Zendesk();
        var users = new JsonArray(
            new JsonObject { ["name"] = "New", ["email"] = "new@x.example", ["external_id"] = "u-2" },
            new JsonObject { ["name"] = "Bad", ["email"] = "not-an-email", ["external_id"] = "u-3" },
            new JsonObject { ["name"] = "Old Renamed", ["external_id"] = "U-1" });

        var (status, job) = await zd.SendJsonAsync(HttpMethod.Post, "users/create_or_update_many", new JsonObject { ["users"] = users });
        Assert.Equal(200, status);
        sb.Clock.Advance(TimeSpan.FromSeconds(2));
        var (_, done) = await zd.GetJsonAsync($"job_statuses/{job!["job_status"]!["id"]}");

        var results = done!["job_status"]!["results"]!.AsArray();
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Null(r!["index"]));
        Assert.Equal("Created", results[0]!["status"]!.ToString());
        Assert.Equal("new@x.example", results[0]!["email"]!.ToString());
        Assert.Equal("Failed", results[1]!["status"]!.ToString());
        Assert.Equal("InvalidFormat", results[1]!["error"]!.ToString());
        Assert.Contains("not properly formatted", results[1]!["details"]!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(sb.Control.Users("demo"), u => u!["id"]!.GetValue<long>() == results[1]!["id"]!.GetValue<long>()); // names no record
        Assert.Equal("Updated", results[2]!["status"]!.ToString());
        Assert.Equal(existing["id"]!.GetValue<long>(), results[2]!["id"]!.GetValue<long>());
        Assert.Equal("old@x.example", results[2]!["email"]!.ToString());
        var problems = specs.ZendeskJobWithLiveResults(done.ToJsonString());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task UpdateManyReportsPerItemResultsIncludingMissingRecords()
    {
        await using var sb = await TestSandbox.StartAsync();
        var org = sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Up", ["external_id"] = "U1" });
        using var zd = sb.Zendesk();

        var (status, job) = await zd.SendJsonAsync(HttpMethod.Put, "organizations/update_many", new JsonObject
        {
            ["organizations"] = new JsonArray(
                new JsonObject { ["id"] = org["id"]!.GetValue<long>(), ["notes"] = "n" },
                new JsonObject { ["id"] = 1, ["notes"] = "n" }),
        });
        Assert.Equal(200, status);
        sb.Clock.Advance(TimeSpan.FromSeconds(2));
        var results = (await zd.GetJsonAsync($"job_statuses/{job!["job_status"]!["id"]}")).Body!["job_status"]!["results"]!.AsArray();
        Assert.Equal("Updated", results[0]!["status"]!.ToString());
        var (_, completed) = await zd.GetJsonAsync($"job_statuses/{job!["job_status"]!["id"]}");
        var problems = specs.Zendesk("JobStatusResponse", completed!.ToJsonString());
        Assert.True(problems.Count == 0, string.Join("\n", problems) + completed.ToJsonString());
        Assert.False(results[1]!["success"]!.GetValue<bool>());
        Assert.Equal("n", sb.Control.Organizations("demo")[0]!["notes"]!.ToString());
    }

    [Fact]
    public async Task UsersCreateManyAndUpdateManyByExternalIds()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var zd = sb.Zendesk();
        var users = new JsonArray(
            new JsonObject { ["name"] = "A", ["email"] = "a@x.example", ["external_id"] = "c-1" },
            new JsonObject { ["name"] = "B", ["email"] = "b@x.example", ["external_id"] = "c-2" });
        Assert.Equal(200, (await zd.SendJsonAsync(HttpMethod.Post, "users/create_many", new JsonObject { ["users"] = users })).Status);
        sb.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, sb.Control.Users("demo").Count);

        var (status, job) = await zd.SendJsonAsync(
            HttpMethod.Put,
            "users/update_many?external_ids=C-1,c-2,c-3",
            new JsonObject { ["user"] = new JsonObject { ["phone"] = "+1 555 0100" } });
        Assert.Equal(200, status);
        sb.Clock.Advance(TimeSpan.FromSeconds(2));
        var (_, done) = await zd.GetJsonAsync($"job_statuses/{job!["job_status"]!["id"]}");
        var results = done!["job_status"]!["results"]!.AsArray();
        Assert.Equal(["Updated", "Updated"], results.Take(2).Select(r => r!["status"]!.ToString()));
        Assert.Equal("UserNotFound", results[2]!["error"]!.ToString());
        Assert.All(sb.Control.Users("demo"), u => Assert.Equal("+1 555 0100", u!["phone"]!.ToString()));
    }

    [Fact]
    public async Task AtMostThirtyJobsQueuedAndBulkUserImportCanBeRefused()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var zd = sb.Zendesk();
        for (var i = 0; i < 30; i++)
        {
            var body = new JsonObject { ["users"] = new JsonArray(new JsonObject { ["name"] = $"U{i}", ["email"] = $"u{i}@x.example" }) };
            Assert.Equal(200, (await zd.SendJsonAsync(HttpMethod.Post, "users/create_or_update_many", body)).Status);
        }

        var extra = new JsonObject { ["organizations"] = new JsonArray(new JsonObject { ["name"] = "one too many" }) };
        using (var refusal = await zd.PostAsync(
                   "organizations/create_many",
                   new StringContent(extra.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
                   TestSandbox.Ct))
        {
            // The job limit, not the rate limit: a 429 with Retry-After while requests are left in the minute.
            Assert.Equal(429, (int)refusal.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), refusal.Headers.RetryAfter?.Delta);
            Assert.True(int.Parse(refusal.Headers.GetValues("X-Rate-Limit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        }

        sb.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(200, (await zd.SendJsonAsync(HttpMethod.Post, "organizations/create_many", extra)).Status);
        Assert.Equal(30, sb.Control.Users("demo").Count);

        sb.Control.GetZendeskSettings("demo").BulkRefused = true;
        var (refused, _) = await zd.SendJsonAsync(
            HttpMethod.Post,
            "users/create_or_update_many",
            new JsonObject { ["users"] = new JsonArray(new JsonObject { ["name"] = "x" }) });
        Assert.Equal(403, refused);
    }

    [Fact]
    public async Task OffsetPagingFailsPastTenThousandWhileCursorPagingReachesEverything()
    {
        await using var sb = await TestSandbox.StartAsync(
            new SeedSpec { Customers = 1, Vendors = 0, CustomerVendors = 0, ContactsPerAccount = 0, Employees = 0 });
        sb.Control.GetZendeskSettings("demo").RateLimitPerMinute = 0;
        for (var i = 0; i < 10_050; i++)
        {
            sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = $"Org {i:D5}", ["external_id"] = $"E{i}" });
        }

        using var zd = sb.Zendesk();
        var (lastAllowed, page100) = await zd.GetJsonAsync("organizations?page=100&per_page=100");
        Assert.Equal(200, lastAllowed);
        Assert.Equal(100, page100!["organizations"]!.AsArray().Count);
        Assert.Equal(400, (await zd.GetJsonAsync("organizations?page=101&per_page=100")).Status);
        foreach (var size in (string[])["0", "101", "ten", ""])
        {
            var (refused, error) = await zd.GetJsonAsync($"organizations?page%5Bsize%5D={size}");
            Assert.True(refused == 400, $"page[size]={size} answered {refused}");
            Assert.Equal("InvalidPaginationParameter", error!["error"]!.ToString());
        }

        Assert.Equal(400, (await zd.GetJsonAsync("organizations?page%5Bsize%5D=10&page%5Bafter%5D=not-a-cursor")).Status);

        var ids = new HashSet<long>();
        var url = "organizations?page[size]=100";
        var pages = 0;
        while (true)
        {
            var (status, page) = await zd.GetJsonAsync(url);
            Assert.Equal(200, status);
            pages++;
            foreach (var o in page!["organizations"]!.AsArray())
            {
                Assert.True(ids.Add(o!["id"]!.GetValue<long>()));
            }

            if (!page["meta"]!["has_more"]!.GetValue<bool>())
            {
                Assert.Null(page["links"]!["next"]);
                break;
            }

            url = page["links"]!["next"]!.ToString();
        }

        Assert.Equal(10_050, ids.Count);
        Assert.Equal(101, pages);
    }

    [Fact]
    public async Task IncrementalTicketExportUsesCursorsEndOfStreamAndItsOwnLimit()
    {
        await using var sb = await TestSandbox.StartAsync(
            new SeedSpec { Customers = 1, Vendors = 0, CustomerVendors = 0, ContactsPerAccount = 0, Employees = 0, Tickets = 5 });
        using var zd = sb.Zendesk();
        var start = sb.Clock.GetUtcNow().ToUnixTimeSeconds();

        Assert.Equal(400, (await zd.GetJsonAsync($"incremental/tickets/cursor?start_time={start - 30}")).Status);
        sb.Clock.Advance(TimeSpan.FromMinutes(2));

        var (_, first) = await zd.GetJsonAsync($"incremental/tickets/cursor.json?start_time={start}&per_page=3");
        Assert.Empty(specs.Zendesk("CursorBasedExportIncrementalTicketsResponse", first!.ToJsonString()));
        Assert.Equal(3, first["tickets"]!.AsArray().Count);
        Assert.False(first["end_of_stream"]!.GetValue<bool>());

        var (_, second) = await zd.GetJsonAsync($"incremental/tickets/cursor?cursor={first["after_cursor"]}&per_page=3");
        Assert.Equal(2, second!["tickets"]!.AsArray().Count);
        Assert.True(second["end_of_stream"]!.GetValue<bool>());

        var (_, idle) = await zd.GetJsonAsync($"incremental/tickets/cursor?cursor={second["after_cursor"]}");
        Assert.Empty(idle!["tickets"]!.AsArray());
        Assert.True(idle["end_of_stream"]!.GetValue<bool>());

        var ticketId = second["tickets"]![0]!["id"]!.GetValue<long>();
        sb.Clock.Advance(TimeSpan.FromSeconds(5));
        sb.Control.SolveTicket("demo", ticketId, "Fixed.");
        var (_, update) = await zd.GetJsonAsync($"incremental/tickets/cursor?cursor={idle["after_cursor"]}");
        var changed = Assert.Single(update!["tickets"]!.AsArray());
        Assert.Equal("solved", changed!["status"]!.ToString());

        for (var i = 4; i < 10; i++)
        {
            Assert.Equal(200, (await zd.GetJsonAsync($"incremental/tickets/cursor?cursor={update["after_cursor"]}")).Status);
        }

        using var limited = await zd.GetAsync($"incremental/tickets/cursor?cursor={update["after_cursor"]}", TestSandbox.Ct);
        Assert.Equal(429, (int)limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(200, (await zd.GetJsonAsync("organizations")).Status);
    }

    [Fact]
    public async Task IncrementalUserExportFollowsChanges()
    {
        await using var sb = await TestSandbox.StartAsync();
        var start = sb.Clock.GetUtcNow().ToUnixTimeSeconds();
        var ann = sb.Control.CreateUser("demo", new JsonObject { ["name"] = "Ann", ["email"] = "ann@x.example" });
        sb.Control.CreateUser("demo", new JsonObject { ["name"] = "Bob", ["email"] = "bob@x.example" });
        sb.Clock.Advance(TimeSpan.FromMinutes(2));
        using var zd = sb.Zendesk();

        var (_, first) = await zd.GetJsonAsync($"incremental/users/cursor?start_time={start}");
        Assert.Empty(specs.Zendesk("CursorBasedExportIncrementalUsersResponse", first!.ToJsonString()));
        Assert.Equal(2, first["users"]!.AsArray().Count);
        Assert.True(first["end_of_stream"]!.GetValue<bool>());

        await zd.SendJsonAsync(HttpMethod.Put, $"users/{ann["id"]}", new JsonObject { ["user"] = new JsonObject { ["name"] = "Ann Changed" } });
        var (_, next) = await zd.GetJsonAsync($"incremental/users/cursor?cursor={first["after_cursor"]}");
        Assert.Equal("Ann Changed", Assert.Single(next!["users"]!.AsArray())!["name"]!.ToString());
    }

    [Fact]
    public async Task TicketsAndCommentsValidateAgainstTheSpec()
    {
        await using var sb = await TestSandbox.StartAsync(
            new SeedSpec { Customers = 1, Vendors = 0, CustomerVendors = 0, ContactsPerAccount = 0, Employees = 0, Tickets = 1 });
        using var zd = sb.Zendesk();
        var id = sb.Control.Tickets("demo")[0]!["id"]!.GetValue<long>();

        var (status, ticket) = await zd.SendJsonAsync(
            HttpMethod.Put,
            $"tickets/{id}",
            new JsonObject
            {
                ["ticket"] = new JsonObject { ["status"] = "open", ["comment"] = new JsonObject { ["body"] = "Private note", ["public"] = false } }
            });
        Assert.Equal(200, status);
        Assert.Empty(specs.Zendesk("TicketResponse", ticket!.ToJsonString()));

        var (_, comments) = await zd.GetJsonAsync($"tickets/{id}/comments");
        Assert.Equal(2, comments!["comments"]!.AsArray().Count);
        Assert.False(comments["comments"]![1]!["public"]!.GetValue<bool>());
        Assert.Empty(specs.Zendesk("TicketCommentsResponse", comments.ToJsonString()));
    }
}
