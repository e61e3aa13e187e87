using System.Security.Cryptography;
using System.Text;
using System.Web;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Acumatica.Reading;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AcumaticaZendesk.Acumatica.IntegrationTests;

public sealed class OAuthTests : IDisposable
{
    private static readonly Uri Redirect = new("https://connector.example/acumatica/callback");
    private readonly FakeAcumatica _acu = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly TestHost _host;

    public OAuthTests() => _host = new TestHost(_clock);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Authorize_url_carries_pkce_s256_and_the_requested_scope()
    {
        var connection = _acu.Connection(AcumaticaAuthMode.OAuthAuthorizationCode);

        var request = _host.OAuth.CreateAuthorizationRequest(connection, FakeAcumatica.OAuthClient, Redirect, state: "xyz");

        Assert.Equal($"{_acu.InstanceUrl}/identity/connect/authorize", request.Url.GetLeftPart(UriPartial.Path));
        var q = HttpUtility.ParseQueryString(request.Url.Query);
        Assert.Equal("code", q["response_type"]);
        Assert.Equal(FakeAcumatica.ClientId, q["client_id"]);
        Assert.Equal(Redirect.AbsoluteUri, q["redirect_uri"]);
        Assert.Equal("api offline_access", q["scope"]);
        Assert.Equal("xyz", q["state"]);
        Assert.Equal("S256", q["code_challenge_method"]);
        var expected = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(request.CodeVerifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expected, q["code_challenge"]);
        Assert.InRange(request.CodeVerifier.Length, 43, 128);
        Assert.Null(q["client_secret"]);
        Assert.DoesNotContain(request.CodeVerifier, request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_exchange_posts_code_verifier_and_redirect_and_returns_tokens()
    {
        var tokens = new TokenEndpoint(_acu, validCode: "the-code");
        var connection = _acu.Connection(AcumaticaAuthMode.OAuthAuthorizationCode);
        var auth = _host.OAuth.CreateAuthorizationRequest(connection, FakeAcumatica.OAuthClient, Redirect);

        var set = await _host.OAuth.ExchangeCodeAsync(connection, FakeAcumatica.OAuthClient, "the-code", Redirect, auth.CodeVerifier, Ct);

        var form = Assert.Single(tokens.Forms);
        Assert.Equal("authorization_code", form["grant_type"]);
        Assert.Equal(auth.CodeVerifier, form["code_verifier"]);
        Assert.Equal(Redirect.AbsoluteUri, form["redirect_uri"]);
        Assert.Equal(TokenEndpoint.Access(1), set.AccessToken);
        Assert.Equal(TokenEndpoint.Refresh(1), set.RefreshToken);
        Assert.Equal(_clock.GetUtcNow().AddHours(1), set.ExpiresAt);
        Assert.DoesNotContain(set.AccessToken, set.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_used_code_needs_reauthorization()
    {
        _ = new TokenEndpoint(_acu, validCode: "the-code");

        var ex = await Assert.ThrowsAsync<AcumaticaAuthenticationException>(() =>
            _host.OAuth.ExchangeCodeAsync(
                _acu.Connection(AcumaticaAuthMode.OAuthAuthorizationCode),
                FakeAcumatica.OAuthClient,
                "other",
                Redirect,
                "verifier-verifier-verifier-verifier-verif",
                Ct));

        Assert.True(ex.NeedsReauthorization);
        Assert.Contains("invalid_grant", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_access_token_is_refreshed_and_the_rotated_refresh_token_is_stored()
    {
        var tokens = new TokenEndpoint(_acu, validRefreshToken: "refresh-initial");
        StubCustomersFor(TokenEndpoint.Access(1));
        var store = new InMemoryAcumaticaTokenStore(
            new AcumaticaTokenSet("access-initial", "refresh-initial", _clock.GetUtcNow().AddMinutes(-1), "api offline_access"));
        var client = _host.Client(
            _acu.Connection(AcumaticaAuthMode.OAuthAuthorizationCode),
            AcumaticaCredentials.ForAuthorizationCode(FakeAcumatica.OAuthClient),
            store);

        var page = await client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct);

        Assert.Empty(page.Items);
        var form = Assert.Single(tokens.Forms);
        Assert.Equal(("refresh_token", "refresh-initial"), (form["grant_type"], form["refresh_token"]));
        var stored = await store.LoadAsync(Ct);
        Assert.Equal(TokenEndpoint.Refresh(1), stored!.RefreshToken);

        // An hour later the rotated token (not the spent one) is redeemed.
        _clock.Advance(TimeSpan.FromHours(1));
        StubCustomersFor(TokenEndpoint.Access(2));
        await client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct);
        Assert.Equal(TokenEndpoint.Refresh(1), tokens.Forms.Last()["refresh_token"]);
        Assert.Equal(TokenEndpoint.Refresh(2), (await store.LoadAsync(Ct))!.RefreshToken);
        _host.AssertNoSecretsLogged("refresh-initial", TokenEndpoint.Refresh(1), TokenEndpoint.Access(1), FakeAcumatica.ClientSecret);
    }

    [Fact]
    public async Task A_401_triggers_one_refresh_and_one_retry_then_succeeds()
    {
        var tokens = new TokenEndpoint(_acu, validRefreshToken: "refresh-initial");
        var store = new InMemoryAcumaticaTokenStore(new AcumaticaTokenSet("revoked-access", "refresh-initial", _clock.GetUtcNow().AddHours(1), null));
        _acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.EndpointPath}/Customer").UsingGet().WithHeader("Authorization", "Bearer revoked-access"))
            .RespondWith(Response.Create().WithStatusCode(401));
        StubCustomersFor(TokenEndpoint.Access(1));
        var client = _host.Client(
            _acu.Connection(AcumaticaAuthMode.OAuthAuthorizationCode),
            AcumaticaCredentials.ForAuthorizationCode(FakeAcumatica.OAuthClient),
            store);

        var page = await client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct);

        Assert.Empty(page.Items);
        Assert.Single(tokens.Forms);
        Assert.Equal(2, _acu.Requests("GET", "/Customer").Count);
    }

    [Fact]
    public async Task A_second_401_after_refreshing_is_an_authentication_error_not_a_loop()
    {
        var tokens = new TokenEndpoint(_acu, validRefreshToken: "refresh-initial");
        _acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.EndpointPath}/Customer").UsingGet()).RespondWith(Response.Create().WithStatusCode(401));
        var store = new InMemoryAcumaticaTokenStore(new AcumaticaTokenSet("a", "refresh-initial", _clock.GetUtcNow().AddHours(1), null));
        var client = _host.Client(
            _acu.Connection(AcumaticaAuthMode.OAuthAuthorizationCode),
            AcumaticaCredentials.ForAuthorizationCode(FakeAcumatica.OAuthClient),
            store);

        var ex = await Assert.ThrowsAsync<AcumaticaAuthenticationException>(() => client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));

        Assert.True(ex.NeedsReauthorization);
        Assert.Equal(2, _acu.Requests("GET", "/Customer").Count);
        Assert.Single(tokens.Forms);
    }

    [Fact]
    public async Task A_revoked_refresh_token_in_code_mode_needs_reauthorization()
    {
        _ = new TokenEndpoint(_acu);
        var store = new InMemoryAcumaticaTokenStore(new AcumaticaTokenSet("a", "revoked", _clock.GetUtcNow().AddMinutes(-5), null));
        var client = _host.Client(
            _acu.Connection(AcumaticaAuthMode.OAuthAuthorizationCode),
            AcumaticaCredentials.ForAuthorizationCode(FakeAcumatica.OAuthClient),
            store);

        var ex = await Assert.ThrowsAsync<AcumaticaAuthenticationException>(() => client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));

        Assert.True(ex.NeedsReauthorization);
        Assert.Empty(_acu.Requests("GET", "/Customer"));
    }

    [Fact]
    public async Task Password_grant_signs_in_the_integration_user_and_concurrent_callers_share_one_token()
    {
        var tokens = new TokenEndpoint(_acu);
        StubCustomersFor(TokenEndpoint.Access(1));
        var client = _host.PasswordClient(_acu);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct)));

        var form = Assert.Single(tokens.Forms);
        Assert.Equal("password", form["grant_type"]);
        Assert.Equal(FakeAcumatica.UserName, form["username"]);
        Assert.Equal("api offline_access", form["scope"]);
        Assert.Equal(5, _acu.Requests("GET", "/Customer").Count);
        _host.AssertNoSecretsLogged(FakeAcumatica.Password, FakeAcumatica.ClientSecret, TokenEndpoint.Access(1), TokenEndpoint.Refresh(1));
    }

    [Fact]
    public void Code_mode_without_a_token_store_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            _host.Client(_acu.Connection(AcumaticaAuthMode.OAuthAuthorizationCode), AcumaticaCredentials.ForAuthorizationCode(FakeAcumatica.OAuthClient)));

        Assert.Contains("IAcumaticaTokenStore", ex.Message, StringComparison.Ordinal);
    }

    private void StubCustomersFor(string accessToken) =>
        _acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.EndpointPath}/Customer").UsingGet().WithHeader("Authorization", $"Bearer {accessToken}"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("[]"));

    public void Dispose()
    {
        _host.Dispose();
        _acu.Dispose();
    }
}
