using System.Net;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.EndToEndTests.Operator;

/// <summary><c>check</c> when the connector gets Zendesk tokens by client credentials (as <c>make run</c> does): no consent first.</summary>
public sealed class ClientCredentialsCheckTests : OperatorTestBase
{
    private protected override SandboxedConnectorOptions Options => new() { PageSize = 10, ZendeskAuthorization = ZendeskAuthorization.ClientCredentials };

    private static SeedSpec Spec() =>
        new() { Instance = "acme", Subdomain = "acme", Customers = 5, Vendors = 2, CustomerVendors = 0, ContactsPerAccount = 1, Employees = 1 };

    [Fact]
    public async Task Check_gets_a_token_before_the_first_run_and_again_after_a_revocation()
    {
        // The sync needs no consent in this mode, so neither does check (it used to answer "Zendesk is not connected"
        // until a run had stored a token).
        await CreateTenantAsync("acme", Spec());

        var fresh = await Ops.PostAsync("/tenants/acme/check", null, HttpStatusCode.OK, Token);
        Assert.True((bool)ChecksApiTests.Item(fresh, "zendesk", "subdomain")["ok"]!, fresh.ToJsonString());
        Assert.True((bool)ChecksApiTests.Item(fresh, "zendesk", "scopes")["ok"]!, fresh.ToJsonString());
        Assert.DoesNotContain("Zendesk is not connected", fresh.ToJsonString(), StringComparison.Ordinal);

        await RunAsync("acme");
        var healthy = await Ops.PostAsync("/tenants/acme/check", null, HttpStatusCode.OK, Token);
        Assert.True((bool)healthy["ok"]!, healthy.ToJsonString());

        Connector.Control.RevokeZendeskTokens("acme", accessTokensToo: true);
        var report = await Ops.PostAsync("/tenants/acme/check", null, HttpStatusCode.OK, Token);

        Assert.True((bool)ChecksApiTests.Item(report, "zendesk", "subdomain")["ok"]!, report.ToJsonString());
        Assert.True((bool)ChecksApiTests.Item(report, "acumatica", "token")["ok"]!);
    }
}
