using System.Net;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Tickets;
using AcumaticaZendesk.Testing.Hosting;
using Microsoft.AspNetCore.Hosting;

namespace AcumaticaZendesk.SyncWorker.IntegrationTests;

/// <summary>Issue 17 finding 8: with Dapr's app API token set, only the sidecar reaches the sidecar-only routes.</summary>
public sealed class SidecarAppTokenTests : IDisposable
{
    private const string Token = "app-token-5d1f9a3c7e";
    private readonly NoSidecarAppFactory<Program> _factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sidecar_routes_refuse_a_caller_without_the_app_api_token_and_other_routes_are_unaffected()
    {
        using var app = _factory.WithWebHostBuilder(b => b.UseSetting("APP_API_TOKEN", Token));
        using var client = app.CreateClient();

        foreach (var route in new[] { SyncCronEndpoints.Route, TicketFlowEndpoints.TicketEventsRoute, TicketFlowEndpoints.ChangeSignalsRoute })
        {
            using var none = await client.PostAsync(route, new StringContent("{}"), Ct);
            using var wrong = await SendAsync(client, route, "not-the-token");
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var subscribe = await client.GetAsync("/dapr/subscribe", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, subscribe.StatusCode);
        using var fromSidecar = await SendAsync(client, SyncCronEndpoints.Route, Token);
        Assert.NotEqual(HttpStatusCode.Unauthorized, fromSidecar.StatusCode);
        using var alive = await client.GetAsync("/alive", Ct);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Without_an_app_api_token_configured_the_sidecar_routes_are_not_checked()
    {
        using var client = _factory.CreateClient();

        using var subscribe = await client.GetAsync("/dapr/subscribe", Ct);

        Assert.Equal(HttpStatusCode.OK, subscribe.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string route, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new StringContent("{}") };
        request.Headers.Add("dapr-api-token", token);
        return await client.SendAsync(request, Ct);
    }

    public void Dispose() => _factory.Dispose();
}
