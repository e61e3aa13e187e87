using System.Net;

namespace AcumaticaZendesk.Operator.IntegrationTests;

public sealed class OpenApiTests : IAsyncLifetime
{
    private OperatorHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await OperatorHost.StartAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task The_operator_document_lists_every_operator_route_and_only_those()
    {
        using var client = _host.Client();

        var response = await client.GetAsync("/openapi/operator.json", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await OperatorHost.ReadJsonAsync(response);
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var expected in new[]
        {
            "/operator/v1/tenants", "/operator/v1/tenants/{tenantId}", "/operator/v1/tenants/{tenantId}/pause", "/operator/v1/tenants/{tenantId}/resume",
            "/operator/v1/tenants/{tenantId}/watermarks/{kind}/reset", "/operator/v1/tenants/{tenantId}/connect/{system}", "/operator/v1/connect/{system}/callback",
            "/operator/v1/tenants/{tenantId}/runs", "/operator/v1/tenants/{tenantId}/runs/{runId}", "/operator/v1/tenants/{tenantId}/runs/{runId}/records",
            "/operator/v1/tenants/{tenantId}/runs/{runId}/rerun", "/operator/v1/tenants/{tenantId}/runs/{runId}/terminate",
            "/operator/v1/tenants/{tenantId}/records/{kind}/{key}", "/operator/v1/tenants/{tenantId}/zendesk/{type}/{zendeskId}",
            "/operator/v1/tenants/{tenantId}/failed", "/operator/v1/tenants/{tenantId}/failed/replay", "/operator/v1/tenants/{tenantId}/records/{kind}/{key}/replay",
            "/operator/v1/tenants/{tenantId}/check", "/operator/v1/tenants/{tenantId}/plan", "/operator/v1/tenants/{tenantId}/reconcile",
        })
        {
            Assert.Contains(expected, paths);
        }

        Assert.DoesNotContain("/sync-cron", paths);
        var show = doc.GetProperty("paths").GetProperty("/operator/v1/tenants/{tenantId}").GetProperty("get");
        Assert.Equal("ShowTenant", show.GetProperty("operationId").GetString());
        Assert.True(show.GetProperty("responses").TryGetProperty("403", out _));
    }

    [Fact]
    public async Task The_document_needs_a_key_too()
    {
        using var anonymous = _host.Client(apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/operator.json", TestContext.Current.CancellationToken)).StatusCode);
    }
}
