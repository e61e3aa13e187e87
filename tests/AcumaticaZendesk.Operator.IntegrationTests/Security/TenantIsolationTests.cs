using System.Net;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Operator.IntegrationTests.Security;

/// <summary>Issue 17 findings 1 and 2: a tenant-scoped key cannot move where credentials go; check reaches only what the egress policy allows and never relays
/// an upstream body.</summary>
public sealed class TenantIsolationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TenantTokenStore> ConnectBothAsync(OperatorHost host, string tenantId)
    {
        var store = await host.Services.GetRequiredService<TenantTokens>().GetStoreAsync(Ct);
        foreach (var system in Enum.GetValues<ConnectedSystem>())
            await store.SaveAsync(
                tenantId,
                system,
                new TokenSet("access-" + system, "refresh-" + system, DateTimeOffset.UtcNow.AddHours(1), null, "read write"),
                Ct);
        return store;
    }

    [Fact]
    public async Task A_tenant_key_cannot_set_or_change_where_the_tenant_credentials_go()
    {
        await using var host = await OperatorHost.StartAsync();
        var original = await host.AddTenantAsync(TestData.Tenant("contoso"));
        var store = await ConnectBothAsync(host, "contoso");
        using var contoso = host.Client(OperatorHost.ContosoKey);
        using var fabrikam = host.Client(OperatorHost.FabrikamKey);

        var moves = new[]
        {
            original with { Acumatica = original.Acumatica with { InstanceUrl = "https://attacker.example/AcumaticaERP" } },
            original with { Zendesk = original.Zendesk with { BaseUrl = "https://attacker.example" } },
            original with { Zendesk = original.Zendesk with { Subdomain = "attacker" } },
        };
        foreach (var moved in moves)
        {
            var response = await contoso.PutAsync("/operator/v1/tenants/contoso", OperatorHost.JsonBody(moved), Ct);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // Creating a tenant sets its destinations too: admin only, by PUT or POST.
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await fabrikam.PutAsync("/operator/v1/tenants/fabrikam", OperatorHost.JsonBody(TestData.Tenant("fabrikam")), Ct)).StatusCode);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await fabrikam.PostAsync("/operator/v1/tenants", OperatorHost.JsonBody(TestData.Tenant("fabrikam")), Ct)).StatusCode);
        Assert.Null(await host.Services.GetRequiredService<TenantRepository>().GetAsync("fabrikam", Ct));

        var renamed = await contoso.PutAsync("/operator/v1/tenants/contoso", OperatorHost.JsonBody(original with { DisplayName = "Contoso Europe" }), Ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var stored = await host.Services.GetRequiredService<TenantRepository>().GetRequiredAsync("contoso", Ct);
        Assert.Equal(original.Acumatica.InstanceUrl, stored.Acumatica.InstanceUrl);
        Assert.Equal(original.Zendesk, stored.Zendesk);
        Assert.NotNull(await store.GetAsync("contoso", ConnectedSystem.Acumatica, Ct));
        Assert.NotNull(await store.GetAsync("contoso", ConnectedSystem.Zendesk, Ct));
    }

    [Fact]
    public async Task An_admin_move_drops_the_tokens_granted_for_the_old_server()
    {
        await using var host = await OperatorHost.StartAsync();
        var original = await host.AddTenantAsync(TestData.Tenant("contoso"));
        var store = await ConnectBothAsync(host, "contoso");
        using var admin = host.Client();

        var response = await admin.PutAsync(
            "/operator/v1/tenants/contoso",
            OperatorHost.JsonBody(original with { Zendesk = original.Zendesk with { Subdomain = "contoso-eu" } }),
            Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(await store.GetAsync("contoso", ConnectedSystem.Zendesk, Ct));
        Assert.NotNull(await store.GetAsync("contoso", ConnectedSystem.Acumatica, Ct));
    }

    [Fact]
    public async Task An_invalid_move_is_refused_whole_and_keeps_the_tokens()
    {
        await using var host = await OperatorHost.StartAsync();
        var original = await host.AddTenantAsync(TestData.Tenant("contoso"));
        var store = await ConnectBothAsync(host, "contoso");
        using var admin = host.Client();

        var invalid = original with { Zendesk = original.Zendesk with { Subdomain = "contoso-eu" }, Schedule = "every day" };
        var response = await admin.PutAsync("/operator/v1/tenants/contoso", OperatorHost.JsonBody(invalid), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("schedule", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(original.Zendesk, (await host.Services.GetRequiredService<TenantRepository>().GetRequiredAsync("contoso", Ct)).Zendesk);
        Assert.NotNull(await store.GetAsync("contoso", ConnectedSystem.Zendesk, Ct));
    }

    [Fact]
    public async Task Check_does_not_connect_to_a_loopback_or_private_instance_that_is_not_allow_listed()
    {
        await using var attacker = await HostileServer.StartAsync(StatusCodes400);
        await using var host = await OperatorHost.StartAsync(new() { ["Egress:AllowList:0"] = "192.0.2.10" });
        host.Secrets.Values[SecretNames.OAuthClientId(ConnectedSystem.Acumatica)] = "shared-client";
        host.Secrets.Values[SecretNames.OAuthClientSecret(ConnectedSystem.Acumatica)] = "shared-secret";
        host.Secrets.Values[SecretNames.AcumaticaUserName("contoso")] = "integration";
        host.Secrets.Values[SecretNames.AcumaticaPassword("contoso")] = "p4ss";
        var tenant = TestData.Tenant("contoso");
        await host.AddTenantAsync(tenant with
        {
            Acumatica = tenant.Acumatica with
            {
                InstanceUrl = new Uri(attacker.Url, "AcumaticaERP").AbsoluteUri.Replace("http://", "https://", StringComparison.Ordinal)
            },
        });
        using var admin = host.Client();

        var report = await OperatorHost.ReadJsonAsync(await admin.PostAsync("/operator/v1/tenants/contoso/check", null, Ct));

        Assert.Equal(0, attacker.Requests);
        Assert.Contains("Egress:AllowList", report.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_never_relays_the_body_of_an_upstream_error()
    {
        await using var attacker = await HostileServer.StartAsync(StatusCodes400);
        await using var host = await OperatorHost.StartAsync();
        var tenant = TestData.Tenant("contoso");
        await host.AddTenantAsync(tenant with
        {
            Acumatica = tenant.Acumatica with { InstanceUrl = new Uri(attacker.Url, "AcumaticaERP").AbsoluteUri },
            Zendesk = tenant.Zendesk with { BaseUrl = attacker.Url.AbsoluteUri.TrimEnd('/') },
        });
        await ConnectBothAsync(host, "contoso");
        using var admin = host.Client();

        var response = await admin.PostAsync("/operator/v1/tenants/contoso/check", null, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(attacker.Requests > 0);
        Assert.DoesNotContain("UPSTREAM-BODY", text, StringComparison.Ordinal);
        Assert.Contains("HTTP 400", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_zendesk_path_is_refused_for_a_destination_the_egress_policy_does_not_allow_and_gets_no_token()
    {
        await using var attacker = await HostileServer.StartAsync(StatusCodes400);
        await using var host = await OperatorHost.StartAsync(new() { ["Egress:AllowList:0"] = "192.0.2.10" });
        var tenant = TestData.Tenant("contoso");
        await host.AddTenantAsync(tenant with { Zendesk = tenant.Zendesk with { BaseUrl = attacker.Url.AbsoluteUri.TrimEnd('/') } });
        await ConnectBothAsync(host, "contoso");
        using var admin = host.Client();

        var report = await OperatorHost.ReadJsonAsync(await admin.PostAsync("/operator/v1/tenants/contoso/check", null, Ct));

        Assert.Equal(0, attacker.Requests);
        var zendesk = report.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("system").GetString() == "zendesk").ToList();
        Assert.Contains(zendesk, i => !i.GetProperty("ok").GetBoolean()
            && i.GetProperty("message").GetString()!.Contains("Egress:AllowList", StringComparison.Ordinal));
    }

    private const int StatusCodes400 = 400;
}
