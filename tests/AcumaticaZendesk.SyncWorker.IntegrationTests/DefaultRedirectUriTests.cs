using System.Net;
using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.IntegrationTests;

public sealed class DefaultRedirectUriTests : IDisposable
{
    private readonly NoSidecarAppFactory<Program> _factory = new();

    [Fact]
    public async Task The_default_Zendesk_redirect_uri_is_a_callback_the_worker_serves()
    {
        var redirect = _factory.Services.GetRequiredService<IOptions<ConnectorOptions>>().Value.ZendeskOAuthRedirectUri;
        using var client = _factory.CreateClient();

        // Without code and state the operator API's callback refuses the request (400); a route nobody serves is 404.
        using var response = await client.GetAsync(new Uri(redirect.AbsolutePath, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
