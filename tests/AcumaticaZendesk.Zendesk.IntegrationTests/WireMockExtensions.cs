using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

internal static class WireMockExtensions
{
    public static IRequestBuilder Api(string method, string path) =>
        Request.Create().WithPath(TestHost.Prefix + path).UsingMethod(method);

    public static IResponseBuilder Reply(int status, string json) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(json);

    /// <summary>
    /// Job statuses for every account path (<c>/zendesk/{subdomain}/api/v2/job_statuses/…</c>): <c>show_many?ids=</c>
    /// answers <c>{"job_statuses":[…]}</c> with the ids <paramref name="status"/> knows (null = expired, left out)
    /// and the single <c>job_statuses/{id}</c> answers <c>{"job_status":…}</c> or 404.
    /// </summary>
    public static void JobStatuses(this WireMockServer server, Func<string, string?> status)
    {
        server.Given(Request.Create().WithPath(new WildcardMatcher("/zendesk/*/api/v2/job_statuses/show_many")).UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var ids = string.Join(',', request.Query!["ids"]).Split(',', StringSplitOptions.RemoveEmptyEntries);
                return OrganizationsTests.Message(200, "{\"job_statuses\":[" + string.Join(',', ids.Select(status).OfType<string>()) + "]}");
            }));
        server.Given(Request.Create().WithPath(new WildcardMatcher("/zendesk/*/api/v2/job_statuses/*")).UsingGet()).AtPriority(2)
            .RespondWith(Response.Create().WithCallback(request =>
                status(Uri.UnescapeDataString(request.Path.Split('/')[^1])) is { } json
                    ? OrganizationsTests.Message(200, "{\"job_status\":" + json + "}")
                    : OrganizationsTests.Message(404, """{"error":"RecordNotFound","description":"Not found"}""")));
    }

    /// <summary>Answers the requests of a path in order: the first matching request gets the first response, and so on; the last repeats.</summary>
    public static void Sequence(this WireMockServer server, IRequestBuilder request, params IResponseBuilder[] responses)
    {
        var scenario = Guid.NewGuid().ToString("N");
        for (var i = 0; i < responses.Length; i++)
        {
            var builder = server.Given(request).InScenario(scenario);
            if (i > 0)
            {
                builder = builder.WhenStateIs($"s{i}");
            }

            if (i < responses.Length - 1)
            {
                builder = builder.WillSetStateTo($"s{i + 1}");
            }

            builder.RespondWith(responses[i]);
        }
    }
}
