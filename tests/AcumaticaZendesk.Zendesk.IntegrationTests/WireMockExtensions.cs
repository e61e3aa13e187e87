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
