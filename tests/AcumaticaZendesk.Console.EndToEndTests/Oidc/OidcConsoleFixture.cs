using AcumaticaZendesk.OperatorConsole;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Testing;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Console.EndToEndTests.Oidc;

/// <summary>
/// The real sync worker (with the sandbox and the stand-in sidecar) whose console signs in with <see cref="FakeOidcProvider"/>.
/// Its <c>Operator:PublicBaseUrl</c> names it <c>localhost</c> while the tests reach it on 127.0.0.1, as an ingress's
/// public name differs from the address the worker sees. Two tenants exist: <c>acme</c> and <c>globex</c>.
/// </summary>
public sealed class OidcConsoleFixture : IAsyncLifetime
{
    public const string ClientId = "operator-console";

    private static readonly int WorkerPort = FreePort();

    private FakeOidcProvider? provider;
    private SandboxedConnector? connector;

    public FakeOidcProvider Provider => provider ?? throw new InvalidOperationException("Not started.");

    public SandboxedConnector Connector => connector ?? throw new InvalidOperationException("Not started.");

    /// <summary>Where the tests reach the worker.</summary>
    public Uri WorkerUrl { get; } = new($"http://127.0.0.1:{WorkerPort}");

    /// <summary>The worker's public name (<c>Operator:PublicBaseUrl</c>).</summary>
    public Uri PublicUrl { get; } = new($"http://localhost:{WorkerPort}");

    public async ValueTask InitializeAsync()
    {
        var token = TestContext.Current.CancellationToken;
        provider = await FakeOidcProvider.StartAsync(ClientId);
        connector = await SandboxedConnector.StartAsync(new SandboxedConnectorOptions
        {
            SyncWorkerPort = WorkerPort,
            Configuration = new Dictionary<string, string?>
            {
                ["Operator:PublicBaseUrl"] = PublicUrl.ToString(),
                ["Operator:Console:Oidc:Authority"] = provider.Issuer,
                ["Operator:Console:Oidc:ClientId"] = ClientId,
            },
            // The machine trusts the provider's certificate (in production: a CA the runtime already trusts).
            ConfigureSyncWorker = services => services.Configure<OpenIdConnectOptions>(
                OperatorConsoleExtensions.OidcScheme, o => o.BackchannelHttpHandler = provider.TrustingHandler()),
        }, token);
        var tenants = connector.WorkerServices.GetRequiredService<TenantRepository>();
        foreach (var id in new[] { "acme", "globex" })
        {
            var tenant = connector.SeedTenant(
                id,
                new SeedSpec { Instance = id, Subdomain = id, Customers = 1, Vendors = 0, ContactsPerAccount = 0, Employees = 0 });
            await tenants.SaveAsync(tenant, token);
        }
    }

    /// <summary>A fresh "browser" (its own cookies) that trusts the provider's certificate.</summary>
    public RedirectFollowingClient NewBrowser() => new(Provider.TrustingHandler());

    public async ValueTask DisposeAsync()
    {
        if (connector is not null)
        {
            await connector.DisposeAsync();
        }

        if (provider is not null)
        {
            await provider.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
