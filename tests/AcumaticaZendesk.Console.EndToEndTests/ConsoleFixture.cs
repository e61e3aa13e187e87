using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Testing;
using Microsoft.Playwright;

namespace AcumaticaZendesk.Console.EndToEndTests;

/// <summary>
/// One sandboxed connector (sandbox + stand-in sidecar + the real sync worker hosting the console) and one headless
/// Chromium for the whole class. The worker knows an admin key and a key scoped to tenant <see cref="ScopedTenant"/>.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string ScopedTenant = "acme";
    public const string ScopedKey = "acme-scoped-key-0123456789abcdef";

    private IPlaywright? playwright;
    private SandboxedConnector? connector;

    public SandboxedConnector Connector => connector ?? throw new InvalidOperationException("Not started.");

    public IBrowser Browser { get; private set; } = null!;

    /// <summary><c>http://127.0.0.1:{port}</c> of the sync worker.</summary>
    public string BaseUrl => Connector.Apps.SyncWorker.BaseAddress!.ToString().TrimEnd('/');

    public async ValueTask InitializeAsync()
    {
        var executable = SystemChromium.ExecutableOrSkip();
        connector = await SandboxedConnector.StartAsync(new SandboxedConnectorOptions
        {
            PageSize = 10,
            Configuration = new Dictionary<string, string?>
            {
                ["Operator:ApiKeys:1:Name"] = "acme-ops",
                ["Operator:ApiKeys:1:Tenant"] = ScopedTenant,
                ["Operator:Console:ProgressRefresh"] = "00:00:00.500",
                ["Alerts:Delivery:RetryDelay"] = "00:00:00.050",
            },
        }, TestContext.Current.CancellationToken);
        connector.SetSecret($"operator:tenant-keys:{ScopedTenant}:acme-ops", ScopedKey);

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>Seeds the sandbox for a tenant and stores the tenant (as the operator API's POST /tenants does).</summary>
    public async Task<TenantConfig> CreateTenantAsync(string tenantId, SeedSpec spec, Func<TenantConfig, TenantConfig>? change = null)
    {
        var tenant = Connector.SeedTenant(tenantId, spec);
        tenant = change?.Invoke(tenant) ?? tenant;
        await Connector.SaveTenantAsync(tenant, TestContext.Current.CancellationToken);
        return tenant;
    }

    /// <summary>A fresh browser session (its own cookies) on a page of 1280×900.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(
            new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, BaseURL = BaseUrl });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (connector is not null)
        {
            await connector.DisposeAsync();
        }
    }
}
