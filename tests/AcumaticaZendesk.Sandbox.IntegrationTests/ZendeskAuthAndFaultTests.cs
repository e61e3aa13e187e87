using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

public sealed class ZendeskAuthAndFaultTests
{
    [Fact]
    public async Task OAuthCodeFlowIssuesBearerTokensWhoseRefreshTokensRotate()
    {
        await using var sb = await TestSandbox.StartAsync();
        sb.Control.AddZendeskClient("demo", new OAuthClient("public_app", null, ["http://127.0.0.1:9/cb"]));
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = sb.Host.BaseUrl };
        const string verifier = "zendesk-verifier-0123456789-0123456789-0123456789";

        using var noPkce = await noRedirect.GetAsync(
            "zendesk/demo/oauth/authorizations/new?response_type=code&client_id=public_app&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&scope=read%20write",
            TestSandbox.Ct);
        Assert.Contains("error=invalid_request", noPkce.Headers.Location!.Query, StringComparison.Ordinal);
        using var foreignRedirect = await noRedirect.GetAsync(
            "zendesk/demo/oauth/authorizations/new?response_type=code&client_id=public_app&redirect_uri=http%3A%2F%2Fevil.example%2Fcb",
            TestSandbox.Ct);
        Assert.Equal(HttpStatusCode.BadRequest, foreignRedirect.StatusCode);

        using var authorize = await noRedirect.GetAsync(
            "zendesk/demo/oauth/authorizations/new?response_type=code&client_id=public_app&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb"
            + $"&scope=read%20write&state=s1&code_challenge={Tokens.S256(verifier)}&code_challenge_method=S256",
            TestSandbox.Ct);
        var code = System.Web.HttpUtility.ParseQueryString(authorize.Headers.Location!.Query)["code"]!;

        async Task<(int Status, JsonObject Body)> TokenAsync(JsonObject body)
        {
            using var r = await sb.Http.PostAsJsonAsync("zendesk/demo/oauth/tokens", body, TestSandbox.Ct);
            return ((int)r.StatusCode, (await r.Content.ReadFromJsonAsync<JsonObject>(TestSandbox.Ct))!);
        }

        var (status, tokens) = await TokenAsync(
            new JsonObject
            {
                ["grant_type"] = "authorization_code",
                ["client_id"] = "public_app",
                ["code"] = code,
                ["redirect_uri"] = "http://127.0.0.1:9/cb",
                ["code_verifier"] = verifier
            });
        Assert.Equal(201, status);
        Assert.Equal("bearer", tokens["token_type"]!.ToString());
        Assert.Equal(1800, (int)tokens["expires_in"]!);
        Assert.True((int)tokens["refresh_token_expires_in"]! > 0);

        var (refreshed, next) = await TokenAsync(
            new JsonObject { ["grant_type"] = "refresh_token", ["client_id"] = "public_app", ["refresh_token"] = tokens["refresh_token"]!.ToString() });
        Assert.Equal(201, refreshed);
        Assert.Equal(
            400,
            (await TokenAsync(
                new JsonObject
                {
                    ["grant_type"] = "refresh_token",
                    ["client_id"] = "public_app",
                    ["refresh_token"] = tokens["refresh_token"]!.ToString()
                })).Status);

        using var api = new HttpClient { BaseAddress = new Uri(sb.Host.ZendeskUrl("demo") + "/api/v2/") };
        api.DefaultRequestHeaders.Authorization = new("Bearer", next["access_token"]!.ToString());
        Assert.Equal(200, (await api.GetJsonAsync("organizations")).Status);
        sb.Clock.Advance(TimeSpan.FromSeconds(1801));
        Assert.Equal(401, (await api.GetJsonAsync("organizations")).Status);

        var (cc, ccBody) = await TokenAsync(
            new JsonObject
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = DemoCredentials.ZendeskClientId,
                ["client_secret"] = DemoCredentials.ZendeskClientSecret,
                ["scope"] = "organizations:read"
            });
        Assert.Equal(201, cc);
        api.DefaultRequestHeaders.Authorization = new("Bearer", ccBody["access_token"]!.ToString());
        Assert.Equal(200, (await api.GetJsonAsync("organizations")).Status);
        Assert.Equal(
            403,
            (await api.SendJsonAsync(HttpMethod.Post, "organizations", new JsonObject { ["organization"] = new JsonObject { ["name"] = "x" } })).Status);
        Assert.Equal(403, (await api.GetJsonAsync("users")).Status);
    }

    [Fact]
    public async Task TicketCreationHonoursIdempotencyKeys()
    {
        await using var sb = await TestSandbox.StartAsync(
            new SeedSpec { Customers = 1, Vendors = 0, CustomerVendors = 0, ContactsPerAccount = 0, Employees = 0, Tickets = 1 });
        using var zd = sb.Zendesk();
        var body = new JsonObject { ["ticket"] = new JsonObject { ["subject"] = "Once", ["comment"] = new JsonObject { ["body"] = "only once" } } };

        async Task<HttpResponseMessage> PostAsync(JsonObject b)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "tickets") { Content = JsonContent.Create(b) };
            request.Headers.Add("Idempotency-Key", "k-1");
            return await zd.SendAsync(request, TestSandbox.Ct);
        }

        using var first = await PostAsync(body);
        using var replay = await PostAsync(body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("miss", first.Headers.GetValues("x-idempotency-lookup").Single());
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("hit", replay.Headers.GetValues("x-idempotency-lookup").Single());
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonObject>(TestSandbox.Ct))!["ticket"]!["id"]!.GetValue<long>(),
            (await replay.Content.ReadFromJsonAsync<JsonObject>(TestSandbox.Ct))!["ticket"]!["id"]!.GetValue<long>());
        Assert.Equal(2, sb.Control.Tickets("demo").Count);

        using var different = await PostAsync(
            new JsonObject { ["ticket"] = new JsonObject { ["subject"] = "Other", ["comment"] = new JsonObject { ["body"] = "x" } } });
        Assert.Equal(HttpStatusCode.BadRequest, different.StatusCode);
    }

    [Fact]
    public async Task InjectedErrorsAndDroppedConnections()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();
        sb.Control.SetFaults("acumatica", new FaultSettings { ErrorRate = 1, ErrorStatusCodes = [502] });
        var (status, body) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1");
        Assert.Equal(502, status);
        Assert.NotNull(body!["exceptionMessage"]);

        sb.Control.SetFaults("acumatica", new FaultSettings { DropRate = 1 });
        await Assert.ThrowsAsync<HttpRequestException>(() => acu.GetAsync($"{TestSandbox.Acu24}/Customer?$top=1", TestSandbox.Ct));

        sb.Control.SetFaults("acumatica", new FaultSettings());
        Assert.Equal(200, (await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1")).Status);
        Assert.Equal(200, (await sb.Zendesk().GetJsonAsync("organizations")).Status);
        Assert.Equal((1, 1), (sb.Control.TamperedAnswers["acumatica injected 502"], sb.Control.TamperedAnswers["acumatica dropped"]));
    }

    [Fact]
    public async Task DeterministicFaultsHitOnlyTheChosenRequestsAndEveryAnswerIsCountedByStatus()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();
        sb.Control.SetFaults(
            "acumatica",
            new FaultSettings
            {
                FailNextCount = 1,
                FailNextStatus = 502,
                DropNextCount = 1,
                NextRequestContains = "GET /acumatica/demo/entity/Default/24.200.001/Vendor"
            });

        Assert.Equal(200, (await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=1")).Status);
        Assert.Equal(502, (await acu.GetJsonAsync($"{TestSandbox.Acu24}/Vendor?$top=1")).Status);
        await Assert.ThrowsAsync<HttpRequestException>(() => acu.GetAsync($"{TestSandbox.Acu24}/Vendor?$top=1", TestSandbox.Ct));
        Assert.Equal(200, (await acu.GetJsonAsync($"{TestSandbox.Acu24}/Vendor?$top=1")).Status);

        var counts = sb.Control.Requests.StatusCounts();
        Assert.Equal(1, counts["acumatica 502"]);
        Assert.Equal(1, counts["acumatica 499"]);
        Assert.True(counts["acumatica 200"] >= 2);
    }
}
