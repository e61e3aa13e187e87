using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.Testing;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>
/// One <see cref="SandboxedConnector"/> per test (sandbox + stand-in sidecar + real apps) and the questions the
/// main-flow tests ask the sandbox. Zendesk jobs and job polling are made quick so a run takes seconds.
/// </summary>
public abstract class MainFlowTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    protected SandboxedConnector Connector { get; private set; } = null!;

    protected SandboxControl Control => Connector.Control;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Records per Acumatica page and pages per workflow execution.</summary>
    protected virtual (int PageSize, int PagesPerExecution) Paging => (25, 4);

    public async ValueTask InitializeAsync() => Connector = await SandboxedConnector.StartAsync(new SandboxedConnectorOptions
    {
        PageSize = Paging.PageSize,
        PagesPerExecution = Paging.PagesPerExecution,
        SyncWorkerPort = SyncWorkerPort,
        Configuration = new Dictionary<string, string?>(ExtraConfiguration)
        {
            ["Zendesk:JobPollInterval"] = "00:00:00.100",
            ["Zendesk:JobPollMaxInterval"] = "00:00:00.500",
        },
    }, Token);

    /// <summary>Kestrel port of the sync worker (0: any free port).</summary>
    protected virtual int SyncWorkerPort => 0;

    /// <summary>Configuration a test class adds for both apps.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraConfiguration => new Dictionary<string, string?>();

    public async ValueTask DisposeAsync()
    {
        await Connector.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A small deterministic dataset in instance and subdomain <paramref name="name"/>.</summary>
    protected static SeedSpec SmallSeed(string name, int randomSeed = 42) => new()
    {
        Instance = name,
        Subdomain = name,
        Customers = 10,
        Vendors = 3,
        CustomerVendors = 2,
        ContactsPerAccount = 1,
        Employees = 2,
        TieGroupSize = 5,
        RandomSeed = randomSeed,
    };

    /// <summary>Seeds the sandbox for a tenant (tenant id = the spec's instance) without storing the tenant yet.</summary>
    protected TenantConfig SeedTenant(SeedSpec spec)
    {
        var tenant = Connector.SeedTenant(spec.Instance, spec);
        var settings = Control.GetZendeskSettings(spec.Subdomain);
        settings.JobQueuedFor = TimeSpan.FromMilliseconds(50);
        settings.JobWorkingFor = TimeSpan.FromMilliseconds(50);
        return tenant;
    }

    /// <summary>Seeds and stores a tenant (instance, subdomain and tenant id all <paramref name="spec"/>'s instance).</summary>
    protected async Task<TenantConfig> AddTenantAsync(SeedSpec spec, Func<TenantConfig, TenantConfig>? adjust = null)
    {
        var tenant = SeedTenant(spec);
        tenant = adjust?.Invoke(tenant) ?? tenant;
        await Connector.SaveTenantAsync(tenant, Token);
        return tenant;
    }

    /// <summary>Two tenants with different data: "north" and "south" (instance, subdomain and tenant id alike).</summary>
    protected async Task AddNorthAndSouthAsync()
    {
        await AddTenantAsync(SmallSeed("north", randomSeed: 1));
        await AddTenantAsync(SmallSeed("south", randomSeed: 2));
    }

    /// <summary>An operator "run now" that must finish; returns the workflow's summary.</summary>
    protected async Task<SyncRunSummary> RunAsync(string tenantId)
    {
        var state = await Connector.RunSyncAsync(tenantId, RunTimeout, Token);
        return CompletedSummary(state);
    }

    protected static SyncRunSummary CompletedSummary(WorkflowState state)
    {
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        return state.ReadOutputAs<SyncRunSummary>()!;
    }

    protected T Service<T>()
        where T : notnull => Connector.WorkerServices.GetRequiredService<T>();

    /// <summary>Organizations of an account by external_id (the synced ones).</summary>
    protected Dictionary<string, JsonNode> OrganizationsByExternalId(string subdomain) =>
        Control.Organizations(subdomain).Where(o => o!["external_id"] is not null)
            .ToDictionary(o => (string)o!["external_id"]!, o => o!, StringComparer.OrdinalIgnoreCase);

    /// <summary>Users of an account by external_id (the synced ones).</summary>
    protected Dictionary<string, JsonNode> UsersByExternalId(string subdomain) =>
        Control.Users(subdomain).Where(u => u!["external_id"] is not null)
            .ToDictionary(u => (string)u!["external_id"]!, u => u!, StringComparer.OrdinalIgnoreCase);

    /// <summary>Business-account code → name, customers and vendors of an instance.</summary>
    protected Dictionary<string, string> AccountNames(string instance)
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var vendor in Control.AcumaticaRecords(instance, "Vendor"))
        {
            names[(string)vendor!["VendorID"]!["value"]!] = (string)vendor["VendorName"]!["value"]!;
        }

        foreach (var customer in Control.AcumaticaRecords(instance, "Customer"))
        {
            names[(string)customer!["CustomerID"]!["value"]!] = (string)customer["CustomerName"]!["value"]!;
        }

        return names;
    }

    /// <summary>ContactID → (e-mail, business account) of an instance.</summary>
    protected Dictionary<long, (string Email, string? Account)> Contacts(string instance) =>
        Control.AcumaticaRecords(instance, "Contact").ToDictionary(
            c => long.Parse(c!["ContactID"]!["value"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
            c => ((string)c!["Email"]!["value"]!, (string?)c["BusinessAccount"]?["value"]));

    /// <summary>Zendesk API writes the sandbox received (token requests left out).</summary>
    protected IReadOnlyList<Sandbox.Infrastructure.ReceivedRequest> ZendeskWrites() =>
        [
            .. Control.Requests.Recent(20_000).Where(
                r => r.System == "zendesk" && r.Method is "POST" or "PUT" or "DELETE" && !r.Path.Contains("/oauth/", StringComparison.Ordinal))];

    /// <summary>Zendesk answers of an account that refused something (4xx other than 401/404, 5xx).</summary>
    protected IReadOnlyList<Sandbox.Infrastructure.ReceivedRequest> ZendeskRefusals(string subdomain) =>
        [.. Control.Requests.Recent(20_000).Where(r => r.System == "zendesk" && r.Path.Contains($"/zendesk/{subdomain}/", StringComparison.Ordinal)
            && r.Status >= 400 && r.Status is not 401 and not 404)];
}
