using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.Testing;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>
/// Production's Zendesk authorization end to end: an operator's consent (operator API → the sandbox's authorize
/// endpoint → callback), access tokens that expire and are refreshed with the refresh token, a revoked grant that
/// stops the tenant until the operator connects again; and the client-credentials variant. The sandbox counts the
/// tokens it issued per grant type, so each test sees which way the connector really got in.
/// </summary>
public sealed class ZendeskAuthorizationTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static SeedSpec Seed(string name) =>
        new() { Instance = name, Subdomain = name, Customers = 6, Vendors = 2, CustomerVendors = 1, ContactsPerAccount = 1, Employees = 1 };

    [Fact]
    public async Task By_default_the_operator_consents_and_an_expired_access_token_is_refreshed()
    {
        await using var connector = await SandboxedConnector.StartAsync(cancellationToken: Token);
        await connector.SaveTenantAsync(connector.SeedTenant("acme", Seed("acme")), Token);
        Assert.Equal(1, connector.Control.ZendeskGrantsIssued("acme").GetValueOrDefault("authorization_code"));

        await RunSucceedsAsync(connector, "acme");
        connector.Control.ExpireZendeskAccessTokens("acme");
        Rename(connector, "acme", "Renamed while the token was expired");
        await RunSucceedsAsync(connector, "acme");

        var grants = connector.Control.ZendeskGrantsIssued("acme");
        Assert.Equal(1, grants.GetValueOrDefault("authorization_code"));
        Assert.True(grants.GetValueOrDefault("refresh_token") >= 1, $"no refresh after the expiry: {string.Join(", ", grants)}");
        Assert.False(grants.ContainsKey("client_credentials"));
        Assert.Contains(connector.Control.Organizations("acme"), o => (string?)o!["name"] == "Renamed while the token was expired");
    }

    [Fact]
    public async Task A_revoked_grant_stops_the_tenant_until_the_operator_connects_again()
    {
        await using var connector = await SandboxedConnector.StartAsync(cancellationToken: Token);
        await connector.SaveTenantAsync(connector.SeedTenant("acme", Seed("acme")), Token);
        await RunSucceedsAsync(connector, "acme");

        connector.Control.RevokeZendeskTokens("acme", accessTokensToo: true);
        Rename(connector, "acme", "Renamed after the revocation");
        var revokedAt = DateTimeOffset.UtcNow;
        var revoked = (await connector.RunSyncAsync("acme", RunTimeout, Token)).ReadOutputAs<SyncRunSummary>()!;

        Assert.Equal(SyncRunOutcome.Failed, revoked.Outcome);
        // The ticket export pass of that run does not call Zendesk (nor retry) for a tenant that needs authorization.
        Assert.DoesNotContain(
            connector.Control.Requests.Recent(5_000),
            r => r.At >= revokedAt && r.Path.Contains("/incremental/tickets", StringComparison.Ordinal));
        var tenants = connector.WorkerServices.GetRequiredService<TenantRepository>();
        var marked = (await tenants.GetRequiredAsync("acme", Token)).Authorization;
        Assert.True(marked is { NeedsAuthorization: true, System: ConnectedSystem.Zendesk }, $"not marked for Zendesk: {marked}");
        Assert.DoesNotContain(connector.Control.Organizations("acme"), o => (string?)o!["name"] == "Renamed after the revocation");

        await connector.ConnectAsync("acme", ConnectedSystem.Zendesk, Token);

        Assert.Null((await tenants.GetRequiredAsync("acme", Token)).Authorization);
        await RunSucceedsAsync(connector, "acme");
        Assert.Contains(connector.Control.Organizations("acme"), o => (string?)o!["name"] == "Renamed after the revocation");
        Assert.Equal(2, connector.Control.ZendeskGrantsIssued("acme").GetValueOrDefault("authorization_code"));
    }

    [Fact]
    public async Task The_client_credentials_variant_needs_no_consent()
    {
        await using var connector = await SandboxedConnector.StartAsync(
            new SandboxedConnectorOptions { ZendeskAuthorization = ZendeskAuthorization.ClientCredentials },
            Token);
        await connector.SaveTenantAsync(connector.SeedTenant("acme", Seed("acme")), Token);

        await RunSucceedsAsync(connector, "acme");

        var grants = connector.Control.ZendeskGrantsIssued("acme");
        Assert.True(grants.GetValueOrDefault("client_credentials") >= 1, $"grants: {string.Join(", ", grants)}");
        Assert.False(grants.ContainsKey("authorization_code"));
    }

    private static async Task RunSucceedsAsync(SandboxedConnector connector, string tenantId)
    {
        var state = await connector.RunSyncAsync(tenantId, RunTimeout, Token);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        var summary = state.ReadOutputAs<SyncRunSummary>()!;
        Assert.True(summary.Outcome == SyncRunOutcome.Succeeded, $"run {summary.Outcome}: {summary.Error}");
    }

    private static void Rename(SandboxedConnector connector, string instance, string name) =>
        connector.Control.RenameAccount(instance, "C000001", name);
}
