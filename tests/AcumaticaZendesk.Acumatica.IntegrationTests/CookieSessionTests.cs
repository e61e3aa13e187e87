using System.Text.Json;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Acumatica.Reading;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AcumaticaZendesk.Acumatica.IntegrationTests;

public sealed class CookieSessionTests : IDisposable
{
    private const string SessionCookie = "ASP.NET_SessionId=sess-value-secret";
    private const string AuthCookie = ".ASPXAUTH=auth-value-secret";
    private readonly FakeAcumatica _acu = new();
    private readonly TestHost _host = new();
    private int _logins;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IAcumaticaClient Client =>
        _host.Client(_acu.Connection(AcumaticaAuthMode.CookieSession), AcumaticaCredentials.ForCookieSession(FakeAcumatica.User));

    [Fact]
    public async Task Sign_in_sends_tenant_branch_locale_then_cookies_then_always_signs_out()
    {
        StubLogin();
        StubLogout();
        StubCustomers(200, "[]");

        await Client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct);

        var login = Assert.Single(_acu.Requests("POST", "/entity/auth/login"));
        using var body = JsonDocument.Parse(login.RequestMessage!.Body!);
        Assert.Equal(FakeAcumatica.UserName, body.RootElement.GetProperty("name").GetString());
        Assert.Equal(FakeAcumatica.Tenant, body.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("HEADOFFICE", body.RootElement.GetProperty("branch").GetString());
        Assert.Equal("EN-US", body.RootElement.GetProperty("locale").GetString());
        var get = Assert.Single(_acu.Requests("GET", "/Customer"));
        Assert.Equal($"{SessionCookie}; {AuthCookie}", get.RequestMessage!.Headers!["Cookie"].Single());
        var logout = Assert.Single(_acu.Requests("POST", "/entity/auth/logout"));
        Assert.Equal($"{SessionCookie}; {AuthCookie}", logout.RequestMessage!.Headers!["Cookie"].Single());
        _host.AssertNoSecretsLogged(FakeAcumatica.Password, "sess-value-secret", "auth-value-secret");
    }

    [Fact]
    public async Task A_changed_password_signs_in_with_the_new_one_and_never_reuses_the_session_of_the_old()
    {
        StubLogin();
        StubLogout();
        StubCustomers(200, "[]");
        var connection = _acu.Connection(AcumaticaAuthMode.CookieSession);
        var rotated = FakeAcumatica.User with { Password = "the-rotated-password" };

        await using (await Client.OpenSessionAsync(Ct))
        {
            // The old password's session is open while a client with the new password reads: it signs in itself.
            await _host.Factory.Create(connection, AcumaticaCredentials.ForCookieSession(rotated)).ReadPageAsync(
                AcumaticaEntitySets.Customers,
                null,
                0,
                10,
                Ct);
        }

        var passwords = _acu.Requests("POST", "/entity/auth/login")
            .Select(l => JsonDocument.Parse(l.RequestMessage!.Body!).RootElement.GetProperty("password").GetString()).ToArray();
        Assert.Equal([FakeAcumatica.Password, "the-rotated-password"], passwords);
        Assert.Equal(2, _acu.Requests("POST", "/entity/auth/logout").Count);
    }

    [Fact]
    public async Task Sign_out_happens_also_when_the_call_fails()
    {
        StubLogin();
        StubLogout();
        StubCustomers(422, """{"error":"bad","CustomerID":{"value":"X","error":"'Customer' cannot be found in the system."}}""");

        await Assert.ThrowsAsync<AcumaticaValidationException>(() => Client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));

        Assert.Single(_acu.Requests("POST", "/entity/auth/logout"));
    }

    [Fact]
    public async Task Sign_out_happens_when_work_inside_a_session_throws()
    {
        StubLogin();
        StubLogout();
        StubCustomers(200, "[]");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Client.WithSessionAsync<int>(async (c, ct) =>
        {
            await c.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, ct);
            throw new InvalidOperationException("mapping failed");
        }, Ct));

        Assert.Single(_acu.Requests("POST", "/entity/auth/logout"));
    }

    [Fact]
    public async Task One_session_per_tenant_is_shared_by_concurrent_work_and_signed_out_once()
    {
        StubLogin();
        StubLogout();
        StubCustomers(200, "[]");
        var factory = _host.Factory;

        await using (await Client.OpenSessionAsync(Ct))
        {
            // Separate clients for the same tenant (as separate workflow activities would create).
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                factory.Create(_acu.Connection(AcumaticaAuthMode.CookieSession), AcumaticaCredentials.ForCookieSession(FakeAcumatica.User))
                    .ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct)));
            Assert.Empty(_acu.Requests("POST", "/entity/auth/logout"));
        }

        Assert.Single(_acu.Requests("POST", "/entity/auth/login"));
        Assert.Equal(4, _acu.Requests("GET", "/Customer").Count);
        Assert.Single(_acu.Requests("POST", "/entity/auth/logout"));
    }

    [Fact]
    public async Task Api_login_limit_is_a_retryable_typed_error()
    {
        _acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.InstancePath}/entity/auth/login").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "30")
                .WithBody("""{"message":"An error has occurred.","exceptionMessage":"API Login Limit"}"""));

        var ex = await Assert.ThrowsAsync<AcumaticaLoginLimitException>(() => Client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));

        Assert.True(ex.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
        Assert.Contains("API Login Limit", ex.Message, StringComparison.Ordinal);
        Assert.Single(_acu.Requests("POST", "/entity/auth/login")); // a POST is never retried by the pipeline
        Assert.Empty(_acu.Requests("GET", "/Customer"));
    }

    [Fact]
    public async Task Api_login_limit_reported_as_500_is_recognised_by_its_text()
    {
        _acu.StubJson("POST", $"{FakeAcumatica.InstancePath}/entity/auth/login", 500, """{"exceptionMessage":"You have reached the API Login Limit."}""");

        await Assert.ThrowsAsync<AcumaticaLoginLimitException>(() => Client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));
    }

    [Fact]
    public async Task Bad_credentials_need_reauthorization()
    {
        _acu.StubJson("POST", $"{FakeAcumatica.InstancePath}/entity/auth/login", 401, """{"message":"Invalid credentials"}""");

        var ex = await Assert.ThrowsAsync<AcumaticaAuthenticationException>(() => Client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));

        Assert.True(ex.NeedsReauthorization);
        Assert.DoesNotContain(FakeAcumatica.Password, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_session_is_signed_in_again_once_and_the_call_retried()
    {
        StubLogin();
        StubLogout();
        _acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.EndpointPath}/Customer").UsingGet())
            .InScenario("expiry").WillSetStateTo("expired")
            .RespondWith(Response.Create().WithStatusCode(401));
        _acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.EndpointPath}/Customer").UsingGet())
            .InScenario("expiry").WhenStateIs("expired")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("[]"));

        await Client.ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct);

        Assert.Equal(2, _logins);
        Assert.Equal(2, _acu.Requests("GET", "/Customer").Count);
        Assert.Single(_acu.Requests("POST", "/entity/auth/logout"));
    }

    private void StubLogin() =>
        _acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.InstancePath}/entity/auth/login").UsingPost())
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                Interlocked.Increment(ref _logins);
                return FakeAcumatica.Empty(
                    204,
                    ("Set-Cookie", $"{SessionCookie}; path=/; HttpOnly"),
                    ("Set-Cookie", $"{AuthCookie}; path=/; secure; HttpOnly"));
            }));

    private void StubLogout() =>
        _acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.InstancePath}/entity/auth/logout").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(204));

    private void StubCustomers(int status, string body) => _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer", status, body);

    public void Dispose()
    {
        _host.Dispose();
        _acu.Dispose();
    }
}
