using System.Net;
using System.Security.Cryptography;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.IntegrationTests.Security;

/// <summary>Issue 17 finding 5: after the token-encryption key is rotated, the operator API reads what the worker re-sealed.</summary>
public sealed class KeyRotationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_a_key_rotation_the_operator_api_reads_tokens_sealed_with_the_new_key()
    {
        await using var host = await OperatorHost.StartAsync();
        await host.AddTenantAsync(TestData.Tenant("contoso"));
        using var admin = host.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/operator/v1/tenants/contoso", Ct)).StatusCode);   // the old ring is loaded

        // The rotation completes: only k2 is left, and the worker re-sealed the tenant's tokens with it.
        var keys = "k2=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        host.Secrets.Values["token-encryption:keys"] = keys;
        host.Secrets.Values["token-encryption:current"] = "k2";
        var worker = new TenantTokenStore(host.Store, new TokenProtector(TokenKeyRing.Parse(keys, "k2")), host.Time);
        await worker.SaveAsync(
            "contoso",
            ConnectedSystem.Zendesk,
            new TokenSet("access", "refresh", host.Time.GetUtcNow().AddHours(1), null, "read write"),
            Ct);
        host.Time.Advance(TimeSpan.FromMinutes(11));    // past Connectors:KeyRingRefreshInterval (10 min)

        var response = await admin.GetAsync("/operator/v1/tenants/contoso", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var connections = (await OperatorHost.ReadJsonAsync(response)).GetProperty("connections").EnumerateArray();
        Assert.Contains(connections, c => c.GetProperty("system").GetString() == "zendesk" && c.GetProperty("connected").GetBoolean());
    }
}
