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
            "/operator/v1/tenants/{tenantId}/watermarks/{kind}/reset", "/operator/v1/tenants/{tenantId}/connect/{system}",
            "/operator/v1/connect/{system}/callback",
            "/operator/v1/tenants/{tenantId}/runs", "/operator/v1/tenants/{tenantId}/runs/{runId}", "/operator/v1/tenants/{tenantId}/runs/{runId}/records",
            "/operator/v1/tenants/{tenantId}/runs/{runId}/rerun", "/operator/v1/tenants/{tenantId}/runs/{runId}/terminate",
            "/operator/v1/tenants/{tenantId}/records/{kind}/{key}", "/operator/v1/tenants/{tenantId}/zendesk/{type}/{zendeskId}",
            "/operator/v1/tenants/{tenantId}/failed", "/operator/v1/tenants/{tenantId}/failed/replay",
            "/operator/v1/tenants/{tenantId}/records/{kind}/{key}/replay",
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
    public async Task The_document_loads_without_a_key_and_declares_the_key_every_operation_needs()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = _host.Client(apiKey: null);

        var response = await anonymous.GetAsync("/openapi/operator.json", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await OperatorHost.ReadJsonAsync(response);
        var apiKey = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", apiKey.GetProperty("type").GetString());
        Assert.Equal("header", apiKey.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", apiKey.GetProperty("name").GetString());
        var required = Assert.Single(doc.GetProperty("security").EnumerateArray());
        Assert.True(required.TryGetProperty("ApiKey", out _), required.ToString());
        // No bearer scheme unless Operator:Jwt:Authority is set.
        Assert.False(doc.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));

        // The OAuth callback is authenticated by its one-time state, not by a key.
        var callback = doc.GetProperty("paths").GetProperty("/operator/v1/connect/{system}/callback").GetProperty("get");
        Assert.Equal(0, callback.GetProperty("security").GetArrayLength());

        // The operations themselves still need the key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/operator/v1/tenants", ct)).StatusCode);
    }

    [Fact]
    public async Task The_interactive_reference_is_served_from_the_app_with_no_outside_address()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = _host.Client(apiKey: null);

        var page = await anonymous.GetAsync("/operator/reference/index.html", ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(ct);
        Assert.Contains("swagger-ui", html, StringComparison.Ordinal);

        // Every script and stylesheet the page names is served here: nothing comes from a CDN.
        var assets = System.Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(assets);
        Assert.DoesNotContain(
            assets,
            a => a.StartsWith("http:", StringComparison.OrdinalIgnoreCase)
                || a.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
                || a.StartsWith("//", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(new Uri(anonymous.BaseAddress!, "/operator/reference/"), asset), ct)).StatusCode);
        }

        // The page's settings point at the local document.
        var settings = await anonymous.GetStringAsync("/operator/reference/index.js", ct);
        Assert.Contains("/openapi/operator.json", settings, StringComparison.Ordinal);
    }
}
