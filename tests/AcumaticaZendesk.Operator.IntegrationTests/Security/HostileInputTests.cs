using System.Net;
using System.Text;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Operator.Checks;
using AcumaticaZendesk.Operator.Endpoints;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.IntegrationTests.Security;

/// <summary>Issue 17 findings 3 and 9: bounded bodies and listings, JWT audience required.</summary>
public sealed class HostileInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_and_nothing_is_stored()
    {
        await using var host = await OperatorHost.StartAsync();
        using var admin = host.Client();
        var json = $$"""{"id":"huge","displayName":"{{new string('x', OperatorResults.MaxBodyBytes)}}"}""";

        using var response = await admin.PostAsync("/operator/v1/tenants", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(await host.Services.GetRequiredService<Sync.Tenants.TenantRepository>().GetAsync("huge", Ct));
    }

    [Theory]
    [InlineData("acumatica", "instanceUrl", "https://attacker.example/AcumaticaERP")]
    [InlineData("acumatica", "InstanceUrl", "https://attacker.example/AcumaticaERP")]
    [InlineData(null, "displayName", "Contoso Twice")]
    public async Task A_property_given_twice_is_a_400_and_changes_nothing(string? section, string property, string second)
    {
        await using var host = await OperatorHost.StartAsync();
        var original = await host.AddTenantAsync(TestData.Tenant("contoso"));
        using var admin = host.Client();
        var body = System.Text.Json.Nodes.JsonNode.Parse(await OperatorHost.JsonBody(original).ReadAsStringAsync(Ct))!.ToJsonString();
        var target = section is null ? "{" : $"\"{section}\":{{";
        var ambiguous = body.Replace(target, $"{target}\"{property}\":\"{second}\",", StringComparison.Ordinal);

        using var response = await admin.PutAsync("/operator/v1/tenants/contoso", new StringContent(ambiguous, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("attacker.example", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var stored = await host.Services.GetRequiredService<Sync.Tenants.TenantRepository>().GetRequiredAsync("contoso", Ct);
        Assert.Equal((original.DisplayName, original.Acumatica.InstanceUrl), (stored.DisplayName, stored.Acumatica.InstanceUrl));
    }

    [Fact]
    public async Task A_long_display_name_is_a_400_naming_the_field()
    {
        await using var host = await OperatorHost.StartAsync();
        using var admin = host.Client();

        using var response = await admin.PostAsync(
            "/operator/v1/tenants",
            OperatorHost.JsonBody(TestData.Tenant("wide") with { DisplayName = new string('x', 50_000) }),
            Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await OperatorHost.ReadJsonAsync(response)).GetProperty("errors").TryGetProperty("displayName", out _));
    }

    [Fact]
    public async Task Jwt_without_an_audience_does_not_start()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(
            () => OperatorHost.StartAsync(new() { ["Operator:Jwt:Authority"] = "https://login.example.com/tenant/v2.0" }));

        Assert.Contains("Operator:Jwt:Audience", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reconcile_reader_stops_on_cursors_that_alternate()
    {
        await using var zendesk = await HostileServer.StartAsync(async (context, n) =>
        {
            context.Response.ContentType = "application/json";
            var cursor = n % 2 == 0 ? "A" : "B";
            await context.Response.WriteAsync(
                $$$"""{"organizations":[{"id":{{{n}}},"name":"o{{{n}}}"}],"meta":{"has_more":true,"after_cursor":"{{{cursor}}}"}}""",
                context.RequestAborted);
        });
        await using var host = await OperatorHost.StartAsync();
        var tenant = await host.AddTenantAsync(
            TestData.Tenant("contoso") with { Zendesk = new() { Subdomain = "contoso", BaseUrl = zendesk.Url.AbsoluteUri.TrimEnd('/') } });
        var store = await host.Services.GetRequiredService<TenantTokens>().GetStoreAsync(Ct);
        await store.SaveAsync("contoso", ConnectedSystem.Zendesk, new TokenSet("at", null, DateTimeOffset.UtcNow.AddHours(1), null, "read write"), Ct);
        var reader = new ZendeskReconcileSource(host.Services.GetRequiredService<TenantClients>());

        var error = await Assert.ThrowsAsync<ZendeskBadResponseException>(async () =>
        {
            await foreach (var _ in reader.ListOrganizationsAsync(tenant, Ct))
            {
            }
        });

        Assert.Contains("cursor it had already returned", error.Message, StringComparison.Ordinal);
        Assert.True(zendesk.Requests <= 3, $"{zendesk.Requests} requests");
    }
}
