using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

/// <summary>The knobs for malformed, oversized and slow answers, and the scaled rate-limit window.</summary>
public sealed class BadAnswerTests
{
    [Fact]
    public async Task A_broken_Acumatica_record_is_answered_broken_by_the_entity_api_only_and_fixed_on_demand()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();
        sb.Control.BreakAcumaticaRecord("demo", "Customer", "C000001", AcumaticaRecordFault.WrongType);
        sb.Control.BreakAcumaticaRecord("demo", "Customer", "C000002", AcumaticaRecordFault.MissingKey);
        sb.Control.BreakAcumaticaRecord("demo", "Customer", "C000003", AcumaticaRecordFault.InvalidDate);
        sb.Control.BreakAcumaticaRecord("demo", "Customer", "C000004", AcumaticaRecordFault.BrokenWrapping);
        sb.Control.BreakAcumaticaRecord("demo", "Customer", "C000005", AcumaticaRecordFault.OversizedName);
        sb.Control.BreakAcumaticaRecord("demo", "Customer", "C000006", AcumaticaRecordFault.TooManyFields);

        var (status, body) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$select=CustomerID,CustomerName,LastModifiedDateTime");
        Assert.Equal(200, status);
        var page = body!.AsArray().OfType<JsonObject>().ToList();
        JsonObject Row(int n) => page[n - 1];
        Assert.Equal(JsonValueKind.Array, Row(1)["CustomerName"]!["value"]!.GetValueKind());
        Assert.False(Row(2).ContainsKey("CustomerID"));
        Assert.Equal(sb.Control.AcumaticaRecord("demo", "Customer", "C000002")!["id"]!.ToString(), Row(2)["id"]!.ToString());
        Assert.Equal("not a date", Row(3)["LastModifiedDateTime"]!["value"]!.ToString());
        Assert.Equal(JsonValueKind.String, Row(4)["CustomerName"]!.GetValueKind());
        Assert.Equal(1024 * 1024, Row(5)["CustomerName"]!["value"]!.ToString().Length);
        Assert.True(Row(6).Count > 20_000);
        Assert.Equal("C000007", Row(7)["CustomerID"]!["value"]!.ToString());
        Assert.Equal(JsonValueKind.String, Row(7)["CustomerName"]!["value"]!.GetValueKind());

        // The single GET is broken too; the control API shows the stored record intact.
        var single = (await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer/C000001")).Body!;
        Assert.Equal(JsonValueKind.Array, single["CustomerName"]!["value"]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, sb.Control.AcumaticaRecord("demo", "Customer", "C000001")!["CustomerName"]!["value"]!.GetValueKind());
        Assert.Equal(6, sb.Control.BrokenAcumaticaRecords("demo").Count);

        var modifiedBefore = sb.Control.AcumaticaRecord("demo", "Customer", "C000001")!["LastModifiedDateTime"]!["value"]!.ToString();
        Assert.True(sb.Control.FixAcumaticaRecord("demo", "Customer", "C000001"));
        Assert.False(sb.Control.FixAcumaticaRecord("demo", "Customer", "C000001"));
        var fixedRecord = (await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer/C000001")).Body!;
        Assert.Equal(JsonValueKind.String, fixedRecord["CustomerName"]!["value"]!.GetValueKind());
        Assert.Equal(modifiedBefore, fixedRecord["LastModifiedDateTime"]!["value"]!.ToString());
    }

    [Fact]
    public async Task Record_faults_are_set_and_cleared_through_the_control_api()
    {
        await using var sb = await TestSandbox.StartAsync();
        var (status, _) = await sb.Http.SendJsonAsync(
            HttpMethod.Put,
            "_sandbox/acumatica/demo/records/Customer/C000002/fault",
            new JsonObject { ["kind"] = "missingKey" });
        Assert.Equal(200, status);
        Assert.Equal(("Customer", "C000002", AcumaticaRecordFault.MissingKey), sb.Control.BrokenAcumaticaRecords("demo").Single());
        Assert.Equal(
            400,
            (await sb.Http.SendJsonAsync(
                HttpMethod.Put,
                "_sandbox/acumatica/demo/records/Customer/C000002/fault",
                new JsonObject { ["kind"] = "nonsense" })).Status);
        Assert.Equal(
            404,
            (await sb.Http.SendJsonAsync(
                HttpMethod.Put,
                "_sandbox/acumatica/demo/records/Customer/NOPE/fault",
                new JsonObject { ["kind"] = "wrongType" })).Status);
        Assert.Equal(204, (await sb.Http.SendJsonAsync(HttpMethod.Delete, "_sandbox/acumatica/demo/records/Customer/C000002/fault")).Status);
        Assert.Equal(404, (await sb.Http.SendJsonAsync(HttpMethod.Delete, "_sandbox/acumatica/demo/records/Customer/C000002/fault")).Status);
        Assert.Empty(sb.Control.BrokenAcumaticaRecords("demo"));
    }

    [Fact]
    public async Task Malformed_answers_hit_only_the_chosen_paths_and_the_request_is_still_processed()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var zd = sb.Zendesk();
        var created = (await zd.SendJsonAsync(
            HttpMethod.Post,
            "organizations",
            new JsonObject { ["organization"] = new JsonObject { ["name"] = "Org A", ["external_id"] = "A" } })).Body!;
        var id = (long)created["organization"]!["id"]!;

        sb.Control.SetFaults(
            "zendesk",
            new FaultSettings { MalformedRate = 1, MalformedPathContains = "show_many", MalformedKind = MalformedResponse.NonNumericId });
        var many = (await zd.GetJsonAsync("organizations/show_many?external_ids=A")).Body!;
        Assert.Equal($"id-{id}", many["organizations"]![0]!["id"]!.ToString());
        Assert.Equal(JsonValueKind.Number, (await zd.GetJsonAsync($"organizations/{id}")).Body!["organization"]!["id"]!.GetValueKind());

        sb.Control.SetFaults("zendesk", new FaultSettings { MalformedRate = 1, MalformedKind = MalformedResponse.NotJson });
        using (var response = await zd.PostAsync(
            "organizations",
            new StringContent("""{"organization":{"name":"Org B","external_id":"B"}}""", System.Text.Encoding.UTF8, "application/json"),
            TestSandbox.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.StartsWith("<html>", await response.Content.ReadAsStringAsync(TestSandbox.Ct), StringComparison.Ordinal);
        }

        Assert.Contains(sb.Control.Organizations("demo"), o => o!["external_id"]?.ToString() == "B");

        sb.Control.SetFaults("zendesk", new FaultSettings { MalformedRate = 1, MalformedKind = MalformedResponse.Oversized, OversizedBytes = 2_000_000 });
        var oversized = await zd.GetByteArrayAsync($"organizations/{id}", TestSandbox.Ct);
        Assert.True(oversized.Length > 2_000_000);
        Assert.Equal(id, (long)JsonNode.Parse(oversized)!["organization"]!["id"]!);

        sb.Control.SetFaults("zendesk", new FaultSettings { MalformedRate = 1, MalformedKind = MalformedResponse.Truncated });
        var truncated = await zd.GetStringAsync($"organizations/{id}", TestSandbox.Ct);
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => JsonNode.Parse(truncated));

        // show_many, oversized, truncated; the POST
        Assert.Equal((3, 1), (sb.Control.TamperedAnswers["zendesk malformed GET"], sb.Control.TamperedAnswers["zendesk malformed POST"]));

        // Errors are never malformed: the knob breaks successful answers only.
        Assert.Equal(404, (await zd.GetJsonAsync("organizations/999999999")).Status);
    }

    [Fact]
    public async Task A_slow_answer_is_held_back_after_the_request_was_processed()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var zd = sb.Zendesk();
        sb.Control.SetFaults("zendesk", new FaultSettings { SlowNextCount = 1, SlowMs = 30_000, SlowPathContains = "/organizations" });
        using (var fast = await zd.GetAsync("users", TestSandbox.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, fast.StatusCode); // another path is not held back
        }

        var post = zd.PostAsync(
            "organizations",
            new StringContent("""{"organization":{"name":"Slow","external_id":"S"}}""", System.Text.Encoding.UTF8, "application/json"),
            TestSandbox.Ct);

        for (var i = 0; i < 500 && !sb.Control.Organizations("demo").Any(o => o!["external_id"]?.ToString() == "S"); i++)
        {
            await Task.Delay(10, TestSandbox.Ct);
        }

        Assert.Contains(sb.Control.Organizations("demo"), o => o!["external_id"]?.ToString() == "S");
        Assert.False(post.IsCompleted);
        while (!post.IsCompleted)
        {
            sb.Clock.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(post, Task.Delay(20, TestSandbox.Ct));
        }

        using var response = await post;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, Assert.Single(sb.Control.TamperedAnswers, t => t.Key.StartsWith("zendesk slow", StringComparison.Ordinal)).Value);
        Assert.Equal(1, sb.Control.TamperedAnswers["zendesk slow POST"]);
        using var next = await zd.GetAsync("organizations", TestSandbox.Ct); // SlowNextCount is spent: answered at once
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_scaled_rate_limit_window_refuses_past_the_limit_and_reopens_after_the_scaled_window()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var zd = sb.Zendesk();
        var settings = sb.Control.GetZendeskSettings("demo");
        settings.RateLimitPerMinute = 3;
        settings.RateLimitWindow = TimeSpan.FromSeconds(6);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await zd.GetAsync("organizations", TestSandbox.Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("X-Rate-Limit").Single());
            Assert.Equal("6", ok.Headers.GetValues("ratelimit-reset").Single());
        }

        using (var refused = await zd.GetAsync("organizations", TestSandbox.Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(6), refused.Headers.RetryAfter!.Delta);
        }

        sb.Clock.Advance(TimeSpan.FromSeconds(6));
        using var reopened = await zd.GetAsync("organizations", TestSandbox.Ct);
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Equal("2", reopened.Headers.GetValues("X-Rate-Limit-Remaining").Single());
    }
}
