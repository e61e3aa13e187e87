using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

public sealed class AcumaticaAuthTests
{
    private static StringContent Login(string password = DemoCredentials.AcumaticaPassword) =>
        new(
            new JsonObject { ["name"] = DemoCredentials.AcumaticaUser, ["password"] = password, ["tenant"] = "Company" }.ToJsonString(),
            System.Text.Encoding.UTF8,
            "application/json");

    [Fact]
    public async Task CookieLoginCountsAgainstTheApiLoginLimitUntilLogout()
    {
        await using var sb = await TestSandbox.StartAsync();
        var url = sb.Host.AcumaticaUrl("demo") + "/";
        using var h1 = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var h2 = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var h3 = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var c1 = new HttpClient(h1) { BaseAddress = new Uri(url) };
        using var c2 = new HttpClient(h2) { BaseAddress = new Uri(url) };
        using var c3 = new HttpClient(h3) { BaseAddress = new Uri(url) };

        Assert.Equal(401, (await c1.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await c1.PostAsync("entity/auth/login", Login("wrong"), TestSandbox.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await c1.PostAsync("entity/auth/login", Login(), TestSandbox.Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await c2.PostAsync("entity/auth/login", Login(), TestSandbox.Ct)).StatusCode);
        Assert.Equal(200, (await c1.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1")).Status);

        using var refused = await c3.PostAsync("entity/auth/login", Login(), TestSandbox.Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("API Login Limit", await refused.Content.ReadAsStringAsync(TestSandbox.Ct), StringComparison.Ordinal);
        Assert.Equal(2, sb.Control.OpenSessions("demo"));

        Assert.Equal(HttpStatusCode.NoContent, (await c1.PostAsync("entity/auth/logout", null, TestSandbox.Ct)).StatusCode);
        Assert.Equal(401, (await c1.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await c3.PostAsync("entity/auth/login", Login(), TestSandbox.Ct)).StatusCode);

        sb.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(0, sb.Control.OpenSessions("demo"));
    }

    [Fact]
    public async Task AuthorizationCodeWithPkceThenRefreshRotatesAndAccessTokensExpire()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = sb.Host.BaseUrl };
        const string verifier = "a-very-long-code-verifier-with-enough-entropy-0123456789";
        const string redirect = "http://127.0.0.1:9/callback";

        using var authorize = await noRedirect.GetAsync(
            $"acumatica/demo/identity/connect/authorize?response_type=code&client_id={Uri.EscapeDataString(DemoCredentials.AcumaticaClientId)}" +
            $"&redirect_uri={Uri.EscapeDataString(redirect)}&scope={Uri.EscapeDataString("api offline_access")}&state=xyz" +
            $"&code_challenge={Tokens.S256(verifier)}&code_challenge_method=S256", TestSandbox.Ct);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Headers.Location!.Query);
        Assert.Equal("xyz", query["state"]);

        async Task<(HttpStatusCode, JsonObject)> TokenAsync(Dictionary<string, string> form)
        {
            form["client_id"] = DemoCredentials.AcumaticaClientId;
            form["client_secret"] = DemoCredentials.AcumaticaClientSecret;
            using var r = await sb.Http.PostAsync("acumatica/demo/identity/connect/token", new FormUrlEncodedContent(form), TestSandbox.Ct);
            return (r.StatusCode, (await r.Content.ReadFromJsonAsync<JsonObject>(TestSandbox.Ct))!);
        }

        var (wrong, wrongBody) = await TokenAsync(
            new() { ["grant_type"] = "authorization_code", ["code"] = query["code"]!, ["redirect_uri"] = redirect, ["code_verifier"] = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.Equal("invalid_grant", wrongBody["error"]!.ToString());

        using var again = await noRedirect.GetAsync(authorize.RequestMessage!.RequestUri, TestSandbox.Ct);
        var code = System.Web.HttpUtility.ParseQueryString(again.Headers.Location!.Query)["code"]!;
        var (ok, tokens) = await TokenAsync(
            new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirect, ["code_verifier"] = verifier });
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("Bearer", tokens["token_type"]!.ToString());
        Assert.Equal(3600, (int)tokens["expires_in"]!);

        var (reused, _) = await TokenAsync(
            new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirect, ["code_verifier"] = verifier });
        Assert.Equal(HttpStatusCode.BadRequest, reused);

        var (refreshed, next) = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens["refresh_token"]!.ToString() });
        Assert.Equal(HttpStatusCode.OK, refreshed);
        Assert.NotEqual(tokens["refresh_token"]!.ToString(), next["refresh_token"]!.ToString());
        var (oldRefresh, _) = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens["refresh_token"]!.ToString() });
        Assert.Equal(HttpStatusCode.BadRequest, oldRefresh);

        using var api = new HttpClient { BaseAddress = new Uri(sb.Host.AcumaticaUrl("demo") + "/") };
        api.DefaultRequestHeaders.Authorization = new("Bearer", next["access_token"]!.ToString());
        Assert.Equal(200, (await api.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1")).Status);
        sb.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(401, (await api.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1")).Status);

        sb.Control.RevokeAcumaticaTokens("demo");
        var (revoked, _) = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = next["refresh_token"]!.ToString() });
        Assert.Equal(HttpStatusCode.BadRequest, revoked);
    }

    [Fact]
    public async Task ThrottleDelaysPastHalfTheBudgetAndDeclinesWhenTheQueueIsFull()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();
        var settings = sb.Control.GetAcumaticaSettings("demo");
        settings.RequestsPerMinute = 4;
        settings.MaxConcurrentRequests = 1;
        settings.MaxQueuedRequests = 0;

        Assert.Equal(200, (await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1")).Status);
        var delayed = acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1");
        await WaitUntilAsync(() => sb.Control.Acu("demo").Throttle.InUse == 1);
        Assert.Equal(1, sb.Control.Acu("demo").Throttle.InUse);
        Assert.False(delayed.IsCompleted);

        var (declined, body) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1");
        Assert.Equal(429, declined);
        Assert.Contains("declined", body!["message"]!.ToString(), StringComparison.Ordinal);

        sb.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(200, (await delayed).Status);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25, TestSandbox.Ct);
        }
    }
}
