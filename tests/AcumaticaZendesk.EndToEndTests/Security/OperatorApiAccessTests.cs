using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EndToEndTests.Security;

/// <summary>
/// The operator API as the sync worker serves it: missing, wrong and other-tenant keys are refused, and a tenant
/// whose instance URL is not https (other than loopback) or carries credentials is not created.
/// </summary>
public sealed class OperatorApiAccessTests : IAsyncLifetime
{
    private const string TenantKey = "acme-scoped-key-abcdef0123456789";
    private SandboxedConnector connector = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        connector = await SandboxedConnector.StartAsync(new SandboxedConnectorOptions
        {
            Configuration = new Dictionary<string, string?>
            {
                ["Operator:ApiKeys:1:Name"] = "acme-ops",
                ["Operator:ApiKeys:1:Tenant"] = "acme",
            },
        }, Token);
        connector.SetSecret("operator:tenant-keys:acme:acme-ops", TenantKey);
        await connector.SaveTenantAsync(connector.SeedTenant("acme", Small("acme")), Token);
        await connector.SaveTenantAsync(connector.SeedTenant("globex", Small("globex")), Token);
    }

    public async ValueTask DisposeAsync() => await connector.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData(SandboxedConnector.OperatorKey + "x")]
    public async Task Missing_and_wrong_keys_are_refused_on_every_kind_of_route(string? key)
    {
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/operator/v1/tenants"),
            (HttpMethod.Get, "/operator/v1/tenants/acme/runs"),
            (HttpMethod.Post, "/operator/v1/tenants/acme/runs"),
            (HttpMethod.Post, "/operator/v1/tenants")
        })
        {
            using var request = new HttpRequestMessage(method, path)
            {
                Content = method == HttpMethod.Post ? Json(TenantJson("intruder", "https://erp.example.com")) : null
            };
            if (key is not null)
            {
                request.Headers.Add("X-Api-Key", key);
            }

            using var response = await connector.Apps.SyncWorker.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Null(await Tenants.GetAsync("intruder", Token));
    }

    [Fact]
    public async Task A_tenant_scoped_key_sees_its_tenant_only()
    {
        using var own = await SendAsync(HttpMethod.Get, "/operator/v1/tenants/acme", TenantKey);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);

        using var other = await SendAsync(HttpMethod.Get, "/operator/v1/tenants/globex", TenantKey);
        using var missing = await SendAsync(HttpMethod.Get, "/operator/v1/tenants/nobody", TenantKey);
        using var runOther = await SendAsync(HttpMethod.Post, "/operator/v1/tenants/globex/runs", TenantKey);
        using var create = await SendAsync(HttpMethod.Post, "/operator/v1/tenants", TenantKey, TenantJson("newco", "https://erp.example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, runOther.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.DoesNotContain("Tenant globex", await other.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Null(await Tenants.GetAsync("newco", Token));
    }

    [Theory]
    [InlineData("http://erp.example.com")]
    [InlineData("http://10.0.0.5/AcumaticaERP")]
    [InlineData("https://admin:Secret-1@erp.example.com")]
    [InlineData("https://admin@erp.example.com")]
    [InlineData("ftp://erp.example.com")]
    [InlineData("erp.example.com")]
    public async Task Instance_urls_that_are_not_https_or_carry_credentials_are_refused(string url)
    {
        using var response = await SendAsync(HttpMethod.Post, "/operator/v1/tenants", SandboxedConnector.OperatorKey, TenantJson("badurl", url));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("acumatica.instanceUrl", out _));
        Assert.DoesNotContain("Secret-1", problem.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Null(await Tenants.GetAsync("badurl", Token));
    }

    [Theory]
    [InlineData("https://erp.example.com/AcumaticaERP")]
    [InlineData("http://127.0.0.1:5080/acumatica/demo")]
    [InlineData("http://localhost:5080/acumatica/demo")]
    public async Task Https_and_loopback_instance_urls_are_accepted(string url)
    {
        using var response = await SendAsync(HttpMethod.Post, "/operator/v1/tenants", SandboxedConnector.OperatorKey, TenantJson("goodurl", url));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(url, (await Tenants.GetRequiredAsync("goodurl", Token)).Acumatica.InstanceUrl);
    }

    private TenantRepository Tenants => connector.WorkerServices.GetRequiredService<TenantRepository>();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
        request.Headers.Add("X-Api-Key", key);
        return await connector.Apps.SyncWorker.SendAsync(request, Token);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    private static string TenantJson(string id, string instanceUrl) => JsonSerializer.Serialize(new
    {
        id,
        displayName = id,
        acumatica = new { instanceUrl, endpointVersion = "24.200.001", company = "Company" },
        zendesk = new { subdomain = id },
    });

    private static SeedSpec Small(string name) =>
        new() { Instance = name, Subdomain = name, Customers = 2, Vendors = 1, CustomerVendors = 0, ContactsPerAccount = 1, Employees = 1 };
}
