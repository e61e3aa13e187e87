using AcumaticaZendesk.Testing.Hosting;

namespace AcumaticaZendesk.SyncWorker.IntegrationTests;

public sealed class HealthEndpointTests : IDisposable
{
    private readonly NoSidecarAppFactory<Program> _factory = new();

    [Fact]
    public async Task AliveAnswersWithoutASidecar()
    {
        using var client = _factory.CreateClient();
        var body = await HealthAssertions.AssertAliveAsync(client, TestContext.Current.CancellationToken);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("self").GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthIsUnhealthyWithoutASidecarAndSaysWhy()
    {
        using var client = _factory.CreateClient();
        var description = await HealthAssertions.AssertUnhealthyWithoutSidecarAsync(
            client, _factory.DeadSidecarHttpEndpoint, TestContext.Current.CancellationToken);
        Assert.Contains("not reachable", description, StringComparison.Ordinal);
    }

    public void Dispose() => _factory.Dispose();
}
