using System.Net;
using System.Text;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Operator.Connect;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Operator.IntegrationTests;

/// <summary>OAuth connect and <c>check</c> against the sandbox's Acumatica and Zendesk (demo instance, on 127.0.0.1).</summary>
public sealed class ConnectAndCheckTests : IAsyncLifetime
{
    private SandboxHost _sandbox = null!;
    private OperatorHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxHost.StartAsync(
            new SandboxOptions { Urls = "http://127.0.0.1:0", Seed = "demo", TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow) },
            Ct);
        _host = await OperatorHost.StartAsync();
        _host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Acumatica)] = DemoCredentials.AcumaticaClientId;
        _host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Acumatica)] = DemoCredentials.AcumaticaClientSecret;
        _host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Zendesk)] = DemoCredentials.ZendeskClientId;
        _host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk)] = DemoCredentials.ZendeskClientSecret;
        await _host.AddTenantAsync(Tenant());
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private TenantConfig Tenant(string version = "24.200.001") => TestData.Tenant("contoso") with
    {
        Acumatica = new AcumaticaSettings
        {
            InstanceUrl = _sandbox.AcumaticaUrl("demo").AbsoluteUri,
            EndpointVersion = version,
            Company = DemoCredentials.AcumaticaTenant,
        },
        Zendesk = new ZendeskSettings { Subdomain = "demo", BaseUrl = _sandbox.ZendeskUrl("demo").AbsoluteUri },
    };

    /// <summary>Starts the consent and lets the sandbox's identity server consent: returns the callback URL it redirects to.</summary>
    private async Task<Uri> ConsentAsync(string system, string startedWith = OperatorHost.AdminKey)
    {
        using var client = _host.Client(startedWith);
        var started = await OperatorHost.ReadJsonAsync(await client.PostAsync($"/operator/v1/tenants/contoso/connect/{system}", null, Ct));
        var authorize = new Uri(started.GetProperty("authorizeUrl").GetString()!);
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);
        Assert.Contains("state=", authorize.Query, StringComparison.Ordinal);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var consent = await browser.GetAsync(authorize, Ct);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        var callback = consent.Headers.Location!;
        Assert.StartsWith($"{_host.BaseUrl}operator/v1/connect/{system}/callback", callback.AbsoluteUri, StringComparison.Ordinal);
        return callback;
    }

    private static string QueryValue(Uri uri, string name) =>
        Uri.UnescapeDataString(uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == name)[1]);

    private Task<TokenSet?> StoredTokensAsync(ConnectedSystem system) =>
        _host.Services.GetRequiredService<TenantTokens>().GetStoreAsync(Ct).ContinueWith(t => t.Result.GetAsync("contoso", system, Ct), Ct).Unwrap();

    [Theory]
    [InlineData("acumatica", ConnectedSystem.Acumatica)]
    [InlineData("zendesk", ConnectedSystem.Zendesk)]
    public async Task Connect_stores_the_tokens_encrypted_and_clears_needs_authorization(string system, ConnectedSystem connected)
    {
        await _host.Services.GetRequiredService<TenantRepository>().MarkNeedsAuthorizationAsync("contoso", connected, "refresh token revoked", Ct);
        var callback = await ConsentAsync(system);
        using var browser = _host.Client();    // the initiator's credential completes the consent

        var response = await browser.GetAsync(callback, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = await StoredTokensAsync(connected);
        Assert.NotNull(tokens);
        Assert.NotNull(tokens.RefreshToken);
        var raw = Encoding.UTF8.GetString(_host.Store.GetRaw($"tokens:contoso:{system}")!);
        Assert.DoesNotContain(tokens.AccessToken, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken, raw, StringComparison.Ordinal);
        var tenant = await _host.Services.GetRequiredService<TenantRepository>().GetRequiredAsync("contoso", Ct);
        Assert.Null(tenant.Authorization);
        var show = await OperatorHost.ReadJsonAsync(await _host.Client().GetAsync("/operator/v1/tenants/contoso", Ct));
        Assert.True(
            show.GetProperty("connections").EnumerateArray().Single(c => c.GetProperty("system").GetString() == system).GetProperty("connected").GetBoolean());
    }

    [Fact]
    public async Task A_callback_works_once()
    {
        var callback = await ConsentAsync("acumatica");
        using var browser = _host.Client();

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(callback, Ct)).StatusCode);
        var again = await browser.GetAsync(callback, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains(
            "already used",
            (await OperatorHost.ReadJsonAsync(again)).GetProperty("errors").GetProperty("state")[0].GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consent_is_completed_only_by_its_initiator_not_by_a_victim_who_opens_the_link_nor_another_key()
    {
        // Issue 17 finding 4: a tenant key starts a consent for its tenant and hands the authorize URL to someone else.
        var callback = await ConsentAsync("zendesk", startedWith: OperatorHost.ContosoKey);
        using var victim = _host.Client(apiKey: null);
        using var admin = _host.Client();
        using var otherTenant = _host.Client(OperatorHost.FabrikamKey);

        foreach (var stranger in new[] { victim, admin, otherTenant })
        {
            var refused = await stranger.GetAsync(callback, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("Consent started elsewhere", (await OperatorHost.ReadJsonAsync(refused)).GetProperty("title").GetString());
            Assert.Null(await StoredTokensAsync(ConnectedSystem.Zendesk));
        }

        using var initiator = _host.Client(OperatorHost.ContosoKey);
        Assert.Equal(HttpStatusCode.OK, (await initiator.GetAsync(callback, Ct)).StatusCode);
        Assert.NotNull(await StoredTokensAsync(ConnectedSystem.Zendesk));
    }

    [Fact]
    public async Task A_consent_started_in_a_browser_is_completed_by_that_browser_through_its_cookie()
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = cookies });
        using var start = new HttpRequestMessage(HttpMethod.Get, new Uri(_host.BaseUrl, "/operator/v1/tenants/contoso/connect/acumatica"));
        start.Headers.Add("X-Api-Key", OperatorHost.AdminKey);
        var toAuthorize = await browser.SendAsync(start, Ct);
        Assert.Equal(HttpStatusCode.Redirect, toAuthorize.StatusCode);
        var consent = await browser.GetAsync(toAuthorize.Headers.Location!, Ct);
        var callback = consent.Headers.Location!;
        var cookie = Assert.Single(cookies.GetCookies(callback), c => c.Name == "operator-connect-acumatica");
        Assert.True(cookie.HttpOnly);

        using var elsewhere = _host.Client(apiKey: null);
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.GetAsync(callback, Ct)).StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, callback);
        forged.Headers.Add("Cookie", "operator-connect-acumatica=guessed-nonce");
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.SendAsync(forged, Ct)).StatusCode);
        Assert.Null(await StoredTokensAsync(ConnectedSystem.Acumatica));

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(callback, Ct)).StatusCode);    // no key: the cookie binds it
        Assert.NotNull(await StoredTokensAsync(ConnectedSystem.Acumatica));
    }

    [Fact]
    public async Task A_consent_started_by_the_console_sends_the_browser_back_to_its_page_and_never_to_another_site()
    {
        var starter = _host.Services.GetRequiredService<ConsentStarter>();
        var context = new DefaultHttpContext
        {
            User = (await _host.Services.GetRequiredService<Auth.OperatorPrincipals>().FromApiKeyAsync(OperatorHost.AdminKey, "console", Ct))!,
        };
        context.Request.Scheme = _host.BaseUrl.Scheme;
        context.Request.Host = new HostString(_host.BaseUrl.Authority);
        foreach (var foreign in new[] { "//evil.example/x", "https://evil.example/x", "/\\evil.example/x", "console/onboard" })
        {
            Assert.Equal("returnPath", Assert.Single((await starter.StartAsync(context, "contoso", "zendesk", foreign, Ct)).Errors).Path);
        }

        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        async Task<HttpResponseMessage> CallbackAsync(Uri callback)
        {
            using var back = new HttpRequestMessage(HttpMethod.Get, callback);
            back.Headers.Add("X-Api-Key", OperatorHost.AdminKey); // the initiator's own credential
            return await browser.SendAsync(back, Ct);
        }

        var refused = (await starter.StartAsync(context, "contoso", "zendesk", "/console/onboard/contoso/connect", Ct)).Value!;
        var denied = await CallbackAsync(
            new Uri($"{_host.BaseUrl}operator/v1/connect/zendesk/callback?error=access_denied&state={QueryValue(refused.AuthorizeUrl, "state")}"));
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Equal("/console/onboard/contoso/connect?system=zendesk&outcome=refused", denied.Headers.Location!.OriginalString);
        Assert.Null(await StoredTokensAsync(ConnectedSystem.Zendesk));

        var started = (await starter.StartAsync(context, "contoso", "zendesk", "/console/onboard/contoso/connect", Ct)).Value!;
        var consent = await browser.GetAsync(started.AuthorizeUrl, Ct);
        var completed = await CallbackAsync(consent.Headers.Location!);
        Assert.Equal(HttpStatusCode.Redirect, completed.StatusCode);
        Assert.Equal("/console/onboard/contoso/connect?system=zendesk&outcome=connected", completed.Headers.Location!.OriginalString);
        Assert.NotNull(await StoredTokensAsync(ConnectedSystem.Zendesk));
    }

    [Fact]
    public async Task The_PKCE_verifier_is_checked_by_the_identity_server()
    {
        var callback = await ConsentAsync("acumatica");
        var key = ConnectStateStore.Key(QueryValue(callback, "state"));
        var pending = (await _host.Store.GetAsync<PendingConnect>(key, Ct)).Value!;
        await _host.Store.SaveAsync(key, pending with { CodeVerifier = "a-different-verifier-of-enough-length-0123456789" }, Ct);
        using var browser = _host.Client();

        var response = await browser.GetAsync(callback, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Code exchange refused", (await OperatorHost.ReadJsonAsync(response)).GetProperty("title").GetString());
        Assert.Null(await StoredTokensAsync(ConnectedSystem.Acumatica));
    }

    [Fact]
    public async Task Unknown_expired_or_foreign_states_are_refused_and_nothing_is_stored()
    {
        using var browser = _host.Client(apiKey: null);
        var unknown = await browser.GetAsync("/operator/v1/connect/acumatica/callback?code=abc&state=made-up", Ct);
        var missing = await browser.GetAsync("/operator/v1/connect/acumatica/callback?code=abc", Ct);

        var forZendesk = await ConsentAsync("zendesk");
        var wrongSystem = await browser.GetAsync(forZendesk.AbsoluteUri.Replace("/connect/zendesk/", "/connect/acumatica/", StringComparison.Ordinal), Ct);

        var late = await ConsentAsync("acumatica");
        _host.Time.Advance(TimeSpan.FromMinutes(11));
        var expired = await browser.GetAsync(late, Ct);

        foreach (var (response, words) in new[] { (unknown, "unknown"), (missing, "missing"), (wrongSystem, "another system"), (expired, "expired") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(
                words,
                (await OperatorHost.ReadJsonAsync(response)).GetProperty("errors").GetProperty("state")[0].GetString(),
                StringComparison.Ordinal);
        }

        Assert.Null(await StoredTokensAsync(ConnectedSystem.Acumatica));
        Assert.Null(await StoredTokensAsync(ConnectedSystem.Zendesk));
    }

    [Fact]
    public async Task Starting_needs_authentication_and_the_GET_form_redirects()
    {
        using var anonymous = _host.Client(apiKey: null);
        using var other = _host.Client(OperatorHost.FabrikamKey);
        using var admin = _host.Client();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/operator/v1/tenants/contoso/connect/acumatica", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync("/operator/v1/tenants/contoso/connect/acumatica", null, Ct)).StatusCode);
        var redirect = await admin.GetAsync("/operator/v1/tenants/contoso/connect/acumatica", Ct);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith(
            _sandbox.AcumaticaUrl("demo").AbsoluteUri + "/identity/connect/authorize?",
            redirect.Headers.Location!.AbsoluteUri,
            StringComparison.Ordinal);
        var bad = await admin.PostAsync("/operator/v1/tenants/contoso/connect/salesforce", null, Ct);
        Assert.True((await OperatorHost.ReadJsonAsync(bad)).GetProperty("errors").TryGetProperty("system", out _));
    }

    [Fact]
    public async Task Check_says_everything_is_fine_once_both_systems_are_connected()
    {
        using var browser = _host.Client();
        await browser.GetAsync(await ConsentAsync("acumatica"), Ct);
        await browser.GetAsync(await ConsentAsync("zendesk"), Ct);
        using var client = _host.Client();

        var report = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/check", null, Ct));

        Assert.True(report.GetProperty("ok").GetBoolean(), report.GetProperty("summary").GetString());
        Assert.Equal(
            ["instance-reachable", "endpoint-version", "token", "subdomain", "scopes", "rate-limit"],
            report.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("item").GetString()));
        Assert.Equal("Everything checked is fine.", report.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Check_reports_low_rate_limit_headroom()
    {
        await _host.Client().GetAsync(await ConsentAsync("zendesk"), Ct);
        _sandbox.Control.GetZendeskSettings("demo").RateLimitPerMinute = 10;
        using var other = new HttpClient();
        other.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DemoCredentials.ZendeskAdminEmail}/token:{DemoCredentials.ZendeskApiToken}")));
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(_sandbox.ZendeskUrl("demo").AbsoluteUri + "/api/v2/users.json", Ct)).StatusCode);
        }

        using var client = _host.Client();

        var low = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/check", null, Ct));

        var headroom = low.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("item").GetString() == "rate-limit");
        Assert.False(headroom.GetProperty("ok").GetBoolean());
        Assert.Contains("Only 1 of 10 requests per minute are left", headroom.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_reports_a_revoked_Zendesk_token()
    {
        await _host.Client().GetAsync(await ConsentAsync("zendesk"), Ct);
        using var client = _host.Client();
        Assert.True((await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/check", null, Ct)))
            .GetProperty("items").EnumerateArray().Where(i => i.GetProperty("system").GetString() == "zendesk").All(i => i.GetProperty("ok").GetBoolean()));

        _sandbox.Control.RevokeZendeskTokens("demo", accessTokensToo: true);
        var revoked = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/check", null, Ct));

        var token = revoked.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("system").GetString() == "zendesk");
        Assert.Equal("token", token.GetProperty("item").GetString());
        Assert.Contains("connect the tenant again", token.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Zendesk_reconcile_source_pages_through_every_organization_and_user()
    {
        await _host.Client().GetAsync(await ConsentAsync("zendesk"), Ct);
        var source = new Checks.ZendeskReconcileSource(_host.Services.GetRequiredService<Connectors.Gate.TenantClients>());
        var tenant = await _host.Services.GetRequiredService<TenantRepository>().GetRequiredAsync("contoso", Ct);

        var organizations = new List<TargetOrganization>();
        await foreach (var org in source.ListOrganizationsAsync(tenant, Ct))
        {
            organizations.Add(org);
        }

        var users = new List<TargetUser>();
        await foreach (var user in source.ListUsersAsync(tenant, Ct))
        {
            users.Add(user);
        }

        Assert.Equal(_sandbox.Control.Organizations("demo").Count, organizations.Count);
        Assert.Equal(_sandbox.Control.Users("demo").Count, users.Count);
        Assert.Equal(organizations.Count, organizations.Select(o => o.Id).Distinct().Count());
    }

    [Fact]
    public async Task Check_reports_a_wrong_endpoint_version_in_plain_words()
    {
        await _host.AddTenantAsync(Tenant("22.200.001"));
        await _host.Client().GetAsync(await ConsentAsync("acumatica"), Ct);
        using var client = _host.Client();

        var report = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/check", null, Ct));

        Assert.False(report.GetProperty("ok").GetBoolean());
        var version = report.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("item").GetString() == "endpoint-version");
        Assert.False(version.GetProperty("ok").GetBoolean());
        Assert.Equal(
            "Endpoint Default/22.200.001 is not offered by the instance; it offers Default/23.200.001, Default/24.200.001. Set acumatica.endpointVersion to "
                + "one of them.",
            version.GetProperty("message").GetString());
        Assert.Contains("22.200.001", report.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_reports_an_expired_and_revoked_token_in_plain_words()
    {
        await _host.Client().GetAsync(await ConsentAsync("acumatica"), Ct);
        _sandbox.Control.RevokeAcumaticaTokens("demo", accessTokensToo: true);
        using var client = _host.Client();

        var report = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/check", null, Ct));

        var token = report.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("item").GetString() == "token" && i.GetProperty("system").GetString() == "acumatica");
        Assert.False(token.GetProperty("ok").GetBoolean());
        Assert.StartsWith("Acumatica refused the token and it could not be refreshed", token.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_says_when_a_tenant_was_never_connected_or_the_instance_is_down()
    {
        using var client = _host.Client();
        var notConnected = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/check", null, Ct));
        await _host.AddTenantAsync(Tenant() with { Acumatica = Tenant().Acumatica with { InstanceUrl = "http://127.0.0.1:9/acumatica/demo" } });
        var down = await OperatorHost.ReadJsonAsync(await client.PostAsync("/operator/v1/tenants/contoso/check", null, Ct));

        Assert.Contains(
            "is not connected",
            notConnected.GetProperty("items").EnumerateArray()
                .Single(i => i.GetProperty("item").GetString() == "token" && i.GetProperty("system").GetString() == "acumatica")
                .GetProperty("message")
                .GetString(),
            StringComparison.Ordinal);
        var reachable = down.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("item").GetString() == "instance-reachable");
        Assert.False(reachable.GetProperty("ok").GetBoolean());
        Assert.Contains("cannot be reached", reachable.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
