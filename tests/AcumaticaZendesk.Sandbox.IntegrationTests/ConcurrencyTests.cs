using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ParallelUpsertsKeepUniquenessAndCountEveryRequest()
    {
        await using var sb = await TestSandbox.StartAsync();
        sb.Control.GetZendeskSettings("demo").RateLimitPerMinute = 0;
        sb.Control.GetAcumaticaSettings("demo").MaxQueuedRequests = 100;
        using var zd = sb.Zendesk();
        using var acu = await sb.AcumaticaAsync();
        var customer = sb.Control.AcumaticaRecord("demo", "Customer", "C000001")!["id"]!.ToString();

        var zendeskCalls = Enumerable.Range(0, 200).Select(i => zd.SendJsonAsync(HttpMethod.Post, "organizations/create_or_update",
            new JsonObject { ["organization"] = new JsonObject { ["name"] = $"Parallel {i % 20}", ["external_id"] = $"P-{i % 20}", ["notes"] = $"n{i}" } }));
        var acumaticaCalls = Enumerable.Range(0, 50).Select(i => acu.SendJsonAsync(HttpMethod.Put, $"{TestSandbox.Acu24}/Activity", new JsonObject
        {
            ["Summary"] = new JsonObject { ["value"] = $"Parallel {i}" },
            ["RelatedEntityNoteID"] = new JsonObject { ["value"] = customer },
        }));
        var results = await Task.WhenAll(zendeskCalls.Concat(acumaticaCalls));

        Assert.All(results, r => Assert.True(r.Status is 200 or 201, r.Body?.ToJsonString()));
        Assert.Equal(20, sb.Control.Organizations("demo").Count);
        Assert.Equal(20, results.Take(200).Count(r => r.Status == 201));
        Assert.Equal(50, sb.Control.AcumaticaCount("demo", "Activity"));
        Assert.Equal(200, sb.Control.Requests.Count("POST", "/zendesk/{subdomain}/api/v2/organizations/create_or_update"));
        Assert.Equal(50, sb.Control.Requests.Count("PUT", "/acumatica/{instance}/entity/{endpoint}/{version}/{entity}"));
    }
}
