using System.Net;
using System.Text.Json;
using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

public sealed class OAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Authorization_url_uses_the_subdomain_base_with_pkce_s256_and_state()
    {
        await using var host = new TestHost();

        var request = ZendeskOAuthClient.CreateAuthorizationRequest(host.Connection, "state-123");

        var url = request.AuthorizeUrl;
        Assert.Equal($"{host.Server.Url}/zendesk/acme/oauth/authorizations/new", url.GetLeftPart(UriPartial.Path));
        var sent = new SentRequest(HttpMethod.Get, url, default, null, null);
        Assert.Equal("code", sent.Query("response_type"));
        Assert.Equal("connector", sent.Query("client_id"));
        Assert.Equal("https://connector.example/oauth/callback", sent.Query("redirect_uri"));
        Assert.Equal("read write", sent.Query("scope"));
        Assert.Equal("state-123", sent.Query("state"));
        Assert.Equal("S256", sent.Query("code_challenge_method"));
        Assert.Equal(ZendeskOAuthClient.CodeChallenge(request.CodeVerifier), sent.Query("code_challenge"));
        Assert.InRange(request.CodeVerifier.Length, 43, 128);
        Assert.DoesNotContain(request.CodeVerifier, url.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_challenge_matches_the_rfc_7636_example()
    {
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ZendeskOAuthClient.CodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    [Fact]
    public void Production_connection_targets_the_zendesk_subdomain()
    {
        var connection = new ZendeskConnection("Acme", oAuth: new ZendeskOAuthApp("id", null, new Uri("https://x.example/cb")));

        Assert.Equal("https://acme.zendesk.com/api/v2/organizations", connection.Url("/api/v2/organizations").AbsoluteUri);
        Assert.StartsWith(
            "https://acme.zendesk.com/oauth/authorizations/new?",
            ZendeskOAuthClient.CreateAuthorizationRequest(connection).AuthorizeUrl.AbsoluteUri,
            StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ZendeskConnection("acme.zendesk.com"));
    }

    [Fact]
    public async Task Code_exchange_posts_json_to_oauth_tokens_and_computes_expiry()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/oauth/tokens")).RespondWith(Reply(201,
            """
            {
              "access_token": "new-access",
              "token_type": "bearer",
              "scope": "read write",
              "expires_in": 1800,
              "refresh_token": "new-refresh",
              "refresh_token_expires_in": 2592000
            }
            """));
        var authorization = ZendeskOAuthClient.CreateAuthorizationRequest(host.Connection);

        var tokens = await host.OAuth.ExchangeCodeAsync(host.Connection, "the-code", authorization.CodeVerifier, Ct);

        Assert.Equal("new-access", tokens.AccessToken);
        Assert.Equal("new-refresh", tokens.RefreshToken);
        Assert.Equal(host.Clock.GetUtcNow().AddSeconds(1800), tokens.ExpiresAt);
        Assert.Equal(host.Clock.GetUtcNow().AddDays(30), tokens.RefreshTokenExpiresAt);
        Assert.DoesNotContain("new-access", tokens.ToString(), StringComparison.Ordinal);
        var sent = Assert.Single(host.SentTo("/oauth/tokens"));
        using var body = JsonDocument.Parse(sent.Body!);
        Assert.Equal("authorization_code", body.RootElement.GetProperty("grant_type").GetString());
        Assert.Equal("the-code", body.RootElement.GetProperty("code").GetString());
        Assert.Equal(authorization.CodeVerifier, body.RootElement.GetProperty("code_verifier").GetString());
        Assert.Equal("connector", body.RootElement.GetProperty("client_id").GetString());
        Assert.Equal("client-secret", body.RootElement.GetProperty("client_secret").GetString());
        Assert.Equal("https://connector.example/oauth/callback", body.RootElement.GetProperty("redirect_uri").GetString());
    }

    [Fact]
    public async Task Refused_code_exchange_is_a_typed_oauth_error()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("POST", "/oauth/tokens")).RespondWith(Reply(400, """{"error":"invalid_grant","error_description":"expired code"}"""));

        var ex = await Assert.ThrowsAsync<ZendeskOAuthException>(
            () => host.OAuth.ExchangeCodeAsync(host.Connection, "old", "verifier-verifier-verifier-verifier-verifier", Ct));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("invalid_grant", ex.Error);
    }

    [Fact]
    public async Task Access_token_about_to_expire_is_refreshed_before_the_call()
    {
        await using var host = new TestHost(tokens: new ZendeskTokenSet("old-access", "refresh-1", ExpiresAt: null));
        await host.Tokens.SaveTokensAsync(host.Connection, new ZendeskTokenSet("old-access", "refresh-1", host.Clock.GetUtcNow().AddSeconds(30)), Ct);
        host.Server.Given(Api("POST", "/oauth/tokens")).RespondWith(Reply(200,
            """{"access_token":"fresh-access","token_type":"bearer","expires_in":1800,"refresh_token":"refresh-2"}"""));
        host.Server.Given(Api("GET", "/api/v2/tickets/5")).RespondWith(Reply(200, """{"ticket":{"id":5,"subject":"s"}}"""));

        var ticket = await host.Client.Tickets.GetWithContextAsync(5, Ct);

        Assert.Equal(5, ticket!.Ticket.Id);
        Assert.Equal(["/oauth/tokens", "/api/v2/tickets/5"], host.Sent.Select(s => s.Path[TestHost.Prefix.Length..]));
        using var body = JsonDocument.Parse(host.Sent[0].Body!);
        Assert.Equal("refresh_token", body.RootElement.GetProperty("grant_type").GetString());
        Assert.Equal("refresh-1", body.RootElement.GetProperty("refresh_token").GetString());
        Assert.Equal("Bearer fresh-access", host.Sent[1].Authorization);
        var stored = await host.Tokens.GetTokensAsync(host.Connection, Ct);
        Assert.Equal("fresh-access", stored!.AccessToken);
        Assert.Equal("refresh-2", stored.RefreshToken);
    }

    [Fact]
    public async Task Rejected_token_is_refreshed_once_and_the_call_repeated()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/tickets/5").WithHeader("Authorization", "Bearer " + TestHost.AccessToken))
            .RespondWith(Reply(401, """{"error":"Couldn't authenticate you"}"""));
        host.Server.Given(Api("GET", "/api/v2/tickets/5").WithHeader("Authorization", "Bearer fresh-access"))
            .RespondWith(Reply(200, """{"ticket":{"id":5}}"""));
        host.Server.Given(Api("POST", "/oauth/tokens")).RespondWith(Reply(200,
            """{"access_token":"fresh-access","token_type":"bearer","expires_in":1800,"refresh_token":"refresh-2"}"""));

        var ticket = await host.Client.Tickets.GetWithContextAsync(5, Ct);

        Assert.Equal(5, ticket!.Ticket.Id);
        Assert.Equal(3, host.Sent.Count);
        Assert.Equal("fresh-access", (await host.Tokens.GetTokensAsync(host.Connection, Ct))!.AccessToken);
    }

    [Fact]
    public async Task Rejected_token_with_a_refused_refresh_requires_reauthorization_with_the_authorize_url()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/tickets/5")).RespondWith(Reply(401, """{"error":"Couldn't authenticate you"}"""));
        host.Server.Given(Api("POST", "/oauth/tokens")).RespondWith(Reply(400, """{"error":"invalid_grant","error_description":"revoked"}"""));

        var ex = await Assert.ThrowsAsync<ZendeskReauthorizationRequiredException>(() => host.Client.Tickets.GetWithContextAsync(5, Ct));

        Assert.Equal("acme", ex.Subdomain);
        Assert.NotNull(ex.AuthorizeUrl);
        Assert.StartsWith(
            $"{host.Server.Url}/zendesk/acme/oauth/authorizations/new?response_type=code&client_id=connector",
            ex.AuthorizeUrl!.AbsoluteUri,
            StringComparison.Ordinal);
        Assert.Contains(ex.AuthorizeUrl.AbsoluteUri, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ex.Authorization!.CodeVerifier, ex.Message, StringComparison.Ordinal);
        Assert.Equal(ZendeskOAuthClient.CodeChallenge(ex.Authorization.CodeVerifier),
            new SentRequest(HttpMethod.Get, ex.AuthorizeUrl, default, null, null).Query("code_challenge"));
    }

    [Fact]
    public async Task Rejected_token_without_refresh_token_requires_reauthorization_without_calling_the_token_endpoint()
    {
        await using var host = new TestHost(tokens: new ZendeskTokenSet("static-token"));
        host.Server.Given(Api("GET", "/api/v2/tickets/5")).RespondWith(Reply(401, """{"error":"Couldn't authenticate you"}"""));

        var ex = await Assert.ThrowsAsync<ZendeskReauthorizationRequiredException>(() => host.Client.Tickets.GetWithContextAsync(5, Ct));

        Assert.Contains("no usable refresh token", ex.Reason, StringComparison.Ordinal);
        Assert.Empty(host.SentTo("/oauth/tokens"));
    }

    [Fact]
    public async Task Logs_at_every_level_carry_no_tokens_secrets_or_personal_data()
    {
        await using var host = new TestHost(tokens: new ZendeskTokenSet("old-access-secret", "refresh-secret-1", ExpiresAt: null));
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update").WithHeader("Authorization", "Bearer old-access-secret"))
            .RespondWith(Reply(401, """{"error":"Couldn't authenticate you"}"""));
        host.Server.Given(Api("POST", "/api/v2/users/create_or_update").WithHeader("Authorization", "Bearer fresh-access-secret"))
            .RespondWith(Reply(201, """{"user":{"id":1,"name":"Private Person","email":"private.person@example.com"}}"""));
        host.Server.Given(Api("POST", "/oauth/tokens")).RespondWith(Reply(200,
            """{"access_token":"fresh-access-secret","token_type":"bearer","expires_in":1800,"refresh_token":"refresh-secret-2"}"""));

        host.Server.Given(Api("GET", "/api/v2/users/search")).RespondWith(Reply(200, """{"users":[]}"""));

        await host.Client.Users.UpsertAsync(
            new ZendeskUserUpsert(new ZendeskUserWrite { Name = "Private Person", Email = "private.person@example.com", ExternalId = "C-1" }),
            Ct);
        await host.Client.Users.FindByEmailAsync("private.person@example.com", Ct); // the address is in the query string

        Assert.NotEmpty(host.Logs.Entries);
        Assert.Contains(host.Logs.Entries, e => e.Text.Contains("Refreshed", StringComparison.Ordinal));
        foreach (var secret in new[] { "old-access-secret", "fresh-access-secret", "refresh-secret", "client-secret", "private.person", "Private Person" })
        {
            Assert.DoesNotContain(host.Logs.Entries, e => e.Text.Contains(secret, StringComparison.Ordinal));
        }
    }
}
