using System.Net;
using System.Text.Json;
using Xunit;

namespace AcumaticaZendesk.Testing.Hosting;

/// <summary>
/// The health contract every app shares, run once per app (each app's test project derives a class for its
/// <c>Program</c>): /alive is process-only, /health includes the Dapr sidecar and says when it is unreachable.
/// </summary>
public abstract class HealthEndpointTests<TProgram> : IDisposable
    where TProgram : class
{
    private readonly NoSidecarAppFactory<TProgram> _factory = new();

    [Fact]
    public async Task AliveAnswersWithoutASidecar()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("self").GetProperty("status").GetString());
        Assert.False(body.GetProperty("checks").TryGetProperty("dapr-sidecar", out _), "/alive must not depend on the Dapr sidecar");
    }

    [Fact]
    public async Task HealthIsUnhealthyWithoutASidecarAndSaysWhy()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        var sidecar = (await ReadAsync(response)).GetProperty("checks").GetProperty("dapr-sidecar");
        var description = sidecar.GetProperty("description").GetString() ?? "";

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", sidecar.GetProperty("status").GetString());
        Assert.Contains(_factory.DeadSidecarHttpEndpoint, description, StringComparison.Ordinal);
        Assert.Contains("not reachable", description, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _factory.Dispose();
        GC.SuppressFinalize(this);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
