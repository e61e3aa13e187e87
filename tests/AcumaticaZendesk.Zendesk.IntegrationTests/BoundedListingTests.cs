using WireMock.RequestBuilders;
using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>Issue 17 finding 3: a hostile account's cursors never make a listing endless.</summary>
public sealed class BoundedListingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> ListAllAsync(ZendeskClient client)
    {
        var count = 0;
        await foreach (var _ in client.Organizations.ListAsync(Ct))
            count++;
        return count;
    }

    [Fact]
    public async Task Cursors_that_alternate_stop_the_listing_with_a_clear_error()
    {
        await using var host = new TestHost();
        // A, B, A, B, …: never an immediate repeat.
        host.Server.Given(Api("GET", "/api/v2/organizations").WithParam("page[after]", "A")).AtPriority(1)
            .RespondWith(Reply(200, """{"organizations":[{"id":2,"name":"b"}],"meta":{"has_more":true,"after_cursor":"B"}}"""));
        host.Server.Given(Api("GET", "/api/v2/organizations").WithParam("page[after]", "B")).AtPriority(1)
            .RespondWith(Reply(200, """{"organizations":[{"id":3,"name":"c"}],"meta":{"has_more":true,"after_cursor":"A"}}"""));
        host.Server.Given(Api("GET", "/api/v2/organizations")).AtPriority(2)
            .RespondWith(Reply(200, """{"organizations":[{"id":1,"name":"a"}],"meta":{"has_more":true,"after_cursor":"A"}}"""));

        var error = await Assert.ThrowsAsync<ZendeskBadResponseException>(() => host.RunAsync(ListAllAsync(host.Client)));

        Assert.Contains("cursor it had already returned", error.Message, StringComparison.Ordinal);
        Assert.True(host.SentTo("/api/v2/organizations").Count <= 3, $"{host.SentTo("/api/v2/organizations").Count} requests");
    }

    [Fact]
    public async Task A_listing_stops_at_the_page_cap()
    {
        await using var host = new TestHost(o => o.MaxListPages = 5);
        var page = 0;
        host.Server.Given(Api("GET", "/api/v2/organizations")).RespondWith(WireMock.ResponseBuilders.Response.Create().WithCallback(_ =>
        {
            var n = Interlocked.Increment(ref page);
            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData
                {
                    BodyAsString = $$$"""{"organizations":[{"id":{{{n}}},"name":"o{{{n}}}"}],"meta":{"has_more":true,"after_cursor":"c{{{n}}}"}}""",
                    DetectedBodyType = WireMock.Types.BodyType.String,
                },
            };
        }));

        var error = await Assert.ThrowsAsync<ZendeskBadResponseException>(() => host.RunAsync(ListAllAsync(host.Client)));

        Assert.Contains("Zendesk:MaxListPages (5)", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, host.SentTo("/api/v2/organizations").Count);
    }
}
