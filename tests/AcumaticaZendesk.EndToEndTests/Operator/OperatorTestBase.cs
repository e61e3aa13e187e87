using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.EndToEndTests.Operator;

/// <summary>
/// The whole product (sandbox + stand-in sidecar + real sync worker) driven only through the worker's operator API,
/// the way an operator's script would; the sandbox's control plane plays the customer's hands in both systems.
/// </summary>
public abstract class OperatorTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private SandboxedConnector? connector;

    private protected SandboxedConnector Connector => connector ?? throw new InvalidOperationException("Not started.");

    private protected OperatorClient Ops => new(Connector.Apps.SyncWorker);

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Options for the connector (small pages by default).</summary>
    private protected virtual SandboxedConnectorOptions Options => new() { PageSize = 10 };

    public async ValueTask InitializeAsync() => connector = await SandboxedConnector.StartAsync(Options, Token);

    public async ValueTask DisposeAsync()
    {
        if (connector is not null)
        {
            await connector.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Seeds the sandbox for <paramref name="tenantId"/>, creates the tenant through <c>POST /tenants</c> and connects Zendesk (consent).</summary>
    private protected async Task<TenantConfig> CreateTenantAsync(string tenantId, SeedSpec spec, Func<TenantConfig, TenantConfig>? change = null)
    {
        var tenant = Connector.SeedTenant(tenantId, spec);
        tenant = change?.Invoke(tenant) ?? tenant;
        await Ops.PostAsync(
            "/tenants",
            JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(tenant, Sync.Json.SyncJson.Options)),
            System.Net.HttpStatusCode.Created,
            Token);
        await Connector.EnsureZendeskConnectedAsync(tenantId, Token); // the operator's next step: consent
        return tenant;
    }

    /// <summary>Runs now through the API and waits for the run to finish; answers the run view.</summary>
    private protected async Task<JsonNode> RunAsync(string tenantId, string reason = "e2e")
    {
        var runId = await Ops.RunNowAsync(tenantId, reason, Token);
        return await Ops.WaitForRunAsync(tenantId, runId, RunTimeout, Token);
    }

    /// <summary>The Zendesk writes the sandbox saw (token requests excluded).</summary>
    private protected IReadOnlyList<string> ZendeskWrites() =>
        [.. Connector.Control.Requests.Recent(10_000)
            .Where(r => r.System == "zendesk" && r.Method is "POST" or "PUT" or "PATCH" or "DELETE" && !r.Path.Contains("/oauth/", StringComparison.Ordinal))
            .Select(r => $"{r.Method} {r.Path}")];
}
