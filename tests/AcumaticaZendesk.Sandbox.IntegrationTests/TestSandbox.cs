using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

/// <summary>A sandbox on 127.0.0.1 with a fake clock, a small seeded dataset and authenticated clients.</summary>
internal sealed class TestSandbox : IAsyncDisposable
{
    public const string Acu24 = "entity/Default/24.200.001";

    private TestSandbox(SandboxHost host, FakeTimeProvider clock)
    {
        Host = host;
        Clock = clock;
        Http = new HttpClient { BaseAddress = host.BaseUrl };
    }

    public SandboxHost Host { get; }

    public FakeTimeProvider Clock { get; }

    public HttpClient Http { get; }

    public SandboxControl Control => Host.Control;

    public static async Task<TestSandbox> StartAsync(SeedSpec? spec = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var host = await SandboxHost.StartAsync(
            new SandboxOptions { Urls = "http://127.0.0.1:0", TimeProvider = clock },
            TestContext.Current.CancellationToken);
        host.Control.Seed(spec ?? new SeedSpec { Customers = 12, Vendors = 3, CustomerVendors = 2, ContactsPerAccount = 1, Employees = 2 });
        host.Control.AddDemoCredentials("demo", "demo");
        return new TestSandbox(host, clock);
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An HttpClient for instance "demo" holding a bearer token from the password grant.</summary>
    public async Task<HttpClient> AcumaticaAsync()
    {
        var token = await PasswordTokenAsync("api offline_access");
        var client = new HttpClient { BaseAddress = new Uri(Host.AcumaticaUrl("demo") + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["access_token"]!.ToString());
        return client;
    }

    public async Task<JsonObject> PasswordTokenAsync(string scope)
    {
        using var response = await Http.PostAsync("acumatica/demo/identity/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = DemoCredentials.AcumaticaClientId,
            ["client_secret"] = DemoCredentials.AcumaticaClientSecret,
            ["username"] = DemoCredentials.AcumaticaUser,
            ["password"] = DemoCredentials.AcumaticaPassword,
            ["scope"] = scope,
        }), Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
    }

    /// <summary>An HttpClient for Zendesk account "demo" using the demo API token (Basic email/token:token).</summary>
    public HttpClient Zendesk()
    {
        var client = new HttpClient { BaseAddress = new Uri(Host.ZendeskUrl("demo") + "/api/v2/") };
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DemoCredentials.ZendeskAdminEmail}/token:{DemoCredentials.ZendeskApiToken}"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

internal static class HttpExtensions
{
    public static async Task<(int Status, JsonNode? Body)> SendJsonAsync(
        this HttpClient client,
        HttpMethod method,
        string url,
        object? body = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(
                body is JsonNode n ? n.ToJsonString() : System.Text.Json.JsonSerializer.Serialize(body),
                Encoding.UTF8,
                "application/json");
        }

        configure?.Invoke(request);
        using var response = await client.SendAsync(request, TestSandbox.Ct);
        var text = await response.Content.ReadAsStringAsync(TestSandbox.Ct);
        JsonNode? parsed = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            parsed = JsonNode.Parse(text);
        }

        return ((int)response.StatusCode, parsed);
    }

    public static Task<(int Status, JsonNode? Body)> GetJsonAsync(this HttpClient client, string url) => client.SendJsonAsync(HttpMethod.Get, url);

    public static JsonNode Parse(string json) => JsonNode.Parse(json)!;
}
