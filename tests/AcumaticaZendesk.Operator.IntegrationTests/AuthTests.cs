using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Operator.IntegrationTests;

public sealed class AuthTests : IAsyncLifetime
{
    private OperatorHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await OperatorHost.StartAsync();
        await _host.AddTenantAsync(TestData.Tenant("contoso"));
        await _host.AddTenantAsync(TestData.Tenant("fabrikam") with { DisplayName = "Fabrikam" });
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData("/operator/v1/tenants")]
    [InlineData("/operator/v1/tenants/contoso")]
    [InlineData("/operator/v1/tenants/contoso/runs")]
    [InlineData("/operator/v1/tenants/contoso/failed")]
    public async Task Calls_without_a_key_get_401_with_the_scheme_to_use(string path)
    {
        using var client = _host.Client(apiKey: null);

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("ApiKey", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_gets_401_and_so_does_a_configured_key_whose_secret_is_missing()
    {
        using var wrong = _host.Client("not-a-key");
        using var almost = _host.Client(OperatorHost.AdminKey[..^1]);
        using var empty = _host.Client(" ");

        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/operator/v1/tenants", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await almost.GetAsync("/operator/v1/tenants", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await empty.GetAsync("/operator/v1/tenants", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task The_key_is_accepted_in_the_Authorization_header_and_in_X_Api_Key()
    {
        using var viaAuthorization = _host.Client(OperatorHost.AdminKey);
        using var viaHeader = _host.Client(OperatorHost.AdminKey, viaHeader: true);

        Assert.Equal(HttpStatusCode.OK, (await viaAuthorization.GetAsync("/operator/v1/tenants", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viaHeader.GetAsync("/operator/v1/tenants", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_tenant_key_sees_only_its_tenant_and_gets_403_on_another_existing_or_not()
    {
        using var contoso = _host.Client(OperatorHost.ContosoKey);
        var ct = TestContext.Current.CancellationToken;

        var list = await OperatorHost.ReadJsonAsync(await contoso.GetAsync("/operator/v1/tenants", ct));
        Assert.Equal(["contoso"], list.EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await contoso.GetAsync("/operator/v1/tenants/contoso", ct)).StatusCode);

        foreach (var path in new[]
        {
            "/operator/v1/tenants/fabrikam", "/operator/v1/tenants/fabrikam/runs", "/operator/v1/tenants/fabrikam/failed",
            "/operator/v1/tenants/fabrikam/records/customer/C1", "/operator/v1/tenants/does-not-exist",
        })
        {
            var response = await contoso.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await contoso.PostAsync("/operator/v1/tenants/fabrikam/pause", null, ct)).StatusCode);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await contoso.PostAsync("/operator/v1/tenants/fabrikam/failed/replay", OperatorHost.JsonBody(new { all = true }), ct)).StatusCode);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await contoso.PostAsync("/operator/v1/tenants", OperatorHost.JsonBody(TestData.Tenant("other")), ct)).StatusCode);
        Assert.False((await _host.Services.GetRequiredService<Sync.Tenants.TenantRepository>().GetAsync("fabrikam", ct))!.Paused);
    }

    [Fact]
    public async Task The_admin_key_sees_every_tenant()
    {
        using var admin = _host.Client();

        var list = await OperatorHost.ReadJsonAsync(await admin.GetAsync("/operator/v1/tenants", TestContext.Current.CancellationToken));

        Assert.Equal(["contoso", "fabrikam"], list.EnumerateArray().Select(t => t.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Non_operator_routes_are_left_alone()
    {
        using var anonymous = _host.Client(apiKey: null);

        var response = await anonymous.GetAsync("/sync-cron", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_rotated_key_is_picked_up_after_the_cache_duration()
    {
        var ct = TestContext.Current.CancellationToken;
        using var old = _host.Client();
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/operator/v1/tenants", ct)).StatusCode);
        _host.Secrets.Values["operator:api-keys:ops"] = "rotated-admin-key-7e1";
        _host.Time.Advance(TimeSpan.FromMinutes(6));

        using var rotated = _host.Client("rotated-admin-key-7e1");
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/operator/v1/tenants", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rotated.GetAsync("/operator/v1/tenants", ct)).StatusCode);
    }
}

public sealed class JwtConfigurationTests
{
    [Fact]
    public async Task Bearer_tokens_are_accepted_only_when_an_authority_is_configured()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var plain = await OperatorHost.StartAsync();
        await using var withJwt = await OperatorHost.StartAsync(new Dictionary<string, string?>
        {
            ["Operator:Jwt:Authority"] = "https://login.example.test/tenant/v2.0",
            ["Operator:Jwt:Audience"] = "api://acumatica-zendesk",
        });

        var plainSchemes = await plain.Services.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>().GetAllSchemesAsync();
        var jwtSchemes = await withJwt.Services.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>().GetAllSchemesAsync();
        var policy = await withJwt.Services.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationPolicyProvider>()
            .GetPolicyAsync(OperatorApi.PolicyName);

        Assert.DoesNotContain(plainSchemes, s => s.Name == "OperatorBearer");
        Assert.Contains(jwtSchemes, s => s.Name == "OperatorBearer");
        Assert.Equal(["OperatorApiKey", "OperatorBearer"], policy!.AuthenticationSchemes);
        using var client = withJwt.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/operator/v1/tenants", ct)).StatusCode);
    }
}
