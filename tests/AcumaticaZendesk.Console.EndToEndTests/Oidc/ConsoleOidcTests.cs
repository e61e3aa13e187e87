using System.Net;

namespace AcumaticaZendesk.Console.EndToEndTests.Oidc;

/// <summary>
/// The console's "Sign in with your organization" through a local OpenID Connect provider, end to end: the real
/// handler's code + PKCE flow, nonce, issuer, audience, signature and lifetime checks, and what the signed-in person
/// may see, decided by the operator API's <c>Operator:Jwt</c> rules (admin role, tenant claim).
/// </summary>
public sealed class ConsoleOidcTests(OidcConsoleFixture fixture) : IClassFixture<OidcConsoleFixture>
{
    private const string SessionCookie = "operator-console";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_person_with_the_admin_role_signs_in_and_sees_every_tenant()
    {
        fixture.Provider.Fault = TokenFault.None;
        fixture.Provider.SignInAs = new Dictionary<string, object>
        {
            ["sub"] = "u-ada",
            ["preferred_username"] = "ada@example.com",
            ["roles"] = new[] { "Operator.Admin" },
        };
        using var browser = fixture.NewBrowser();

        var landing = await SignInAsync(browser);

        Assert.Equal(HttpStatusCode.OK, landing.Status);
        Assert.Equal(new Uri(fixture.PublicUrl, "/console"), landing.Url);
        Assert.Contains(SessionCookie, browser.Cookies.Keys);
        Assert.Contains("data-tenant=\"acme\"", landing.Body, StringComparison.Ordinal);
        Assert.Contains("data-tenant=\"globex\"", landing.Body, StringComparison.Ordinal);
        Assert.Contains("Onboard a tenant", landing.Body, StringComparison.Ordinal);
        Assert.Contains("ada@example.com", landing.Body, StringComparison.Ordinal);

        // The provider was asked for a code with PKCE and a nonce, to come back to the worker's public address.
        var authorize = fixture.Provider.AuthorizeRequests[^1];
        Assert.Equal(new Uri(fixture.PublicUrl, "/console/signin-oidc").AbsoluteUri, authorize["redirect_uri"]);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(authorize["nonce"]));
        Assert.Equal("openid profile", authorize["scope"]);
    }

    [Fact]
    public async Task A_person_with_a_tenant_claim_sees_that_tenant_only()
    {
        fixture.Provider.Fault = TokenFault.None;
        fixture.Provider.SignInAs = new Dictionary<string, object>
        {
            ["sub"] = "u-tom",
            ["preferred_username"] = "tom@acme.example",
            ["operator_tenant"] = "acme",
        };
        using var browser = fixture.NewBrowser();

        var landing = await SignInAsync(browser);

        Assert.Equal(HttpStatusCode.OK, landing.Status);
        Assert.Contains("data-tenant=\"acme\"", landing.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("data-tenant=\"globex\"", landing.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Onboard a tenant", landing.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri(fixture.WorkerUrl, "/console/tenants/acme"), Token)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(new Uri(fixture.WorkerUrl, "/console/tenants/globex"), Token)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(new Uri(fixture.WorkerUrl, "/console/onboard"), Token)).Status);
    }

    [Fact]
    public async Task A_person_without_the_admin_role_or_a_tenant_claim_is_refused_in_words()
    {
        fixture.Provider.Fault = TokenFault.None;
        fixture.Provider.SignInAs = new Dictionary<string, object>
        {
            ["sub"] = "u-eve",
            ["preferred_username"] = "eve@example.com",
            ["roles"] = new[] { "Finance.Reader" },
        };
        using var browser = fixture.NewBrowser();

        var landing = await SignInAsync(browser);

        AssertOnSignInPage(landing, "error=not-an-operator", "neither the role Operator.Admin nor the claim operator_tenant");
        Assert.DoesNotContain(SessionCookie, browser.Cookies.Keys);
        var console = await browser.GetAsync(new Uri(fixture.WorkerUrl, "/console"), Token);
        Assert.Equal("/console/sign-in", console.Url.AbsolutePath);
    }

    [Theory]
    [InlineData(TokenFault.WrongAudience)]
    [InlineData(TokenFault.WrongIssuer)]
    [InlineData(TokenFault.WrongNonce)]
    [InlineData(TokenFault.WrongSignature)]
    [InlineData(TokenFault.Expired)]
    public async Task An_id_token_the_console_must_not_trust_is_refused(TokenFault fault)
    {
        fixture.Provider.Fault = fault;
        fixture.Provider.SignInAs = new Dictionary<string, object>
        {
            ["sub"] = "u-ada",
            ["preferred_username"] = "ada@example.com",
            ["roles"] = new[] { "Operator.Admin" },
        };
        using var browser = fixture.NewBrowser();

        try
        {
            var landing = await SignInAsync(browser);

            AssertOnSignInPage(landing, "error=oidc-failed", "Signing in with your organization did not succeed");
            Assert.DoesNotContain(SessionCookie, browser.Cookies.Keys);
        }
        finally
        {
            fixture.Provider.Fault = TokenFault.None;
        }
    }

    /// <summary>"Sign in with your organization" from the sign-in page, through the provider and back.</summary>
    private async Task<Landing> SignInAsync(RedirectFollowingClient browser)
    {
        var signIn = await browser.GetAsync(new Uri(fixture.WorkerUrl, "/console/sign-in"), Token);
        Assert.Contains("href=\"console/sign-in/oidc\"", signIn.Body, StringComparison.Ordinal);
        return await browser.GetAsync(new Uri(fixture.WorkerUrl, "/console/sign-in/oidc"), Token);
    }

    private static void AssertOnSignInPage(Landing landing, string query, string words)
    {
        Assert.Equal(HttpStatusCode.OK, landing.Status);
        Assert.Equal("/console/sign-in", landing.Url.AbsolutePath);
        Assert.Contains(query, landing.Url.Query, StringComparison.Ordinal);
        Assert.Contains(words, WebUtility.HtmlDecode(landing.Body), StringComparison.Ordinal);
    }
}
