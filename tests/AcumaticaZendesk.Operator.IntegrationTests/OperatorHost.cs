using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Json;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Operator.IntegrationTests;

/// <summary>
/// A minimal worker-like host on 127.0.0.1 (free port) with the operator API, the in-memory state store and fakes
/// for the ports that do I/O. Keys: <see cref="AdminKey"/> (all tenants), <see cref="ContosoKey"/> (tenant contoso only).
/// </summary>
internal sealed class OperatorHost : IAsyncDisposable
{
    public const string AdminKey = "admin-key-3b7f0c1e9d2a";
    public const string ContosoKey = "contoso-key-81d4e6a0c5f2";
    public const string FabrikamKey = "fabrikam-key-0a9c7e5d3b1f";

    private readonly WebApplication _app;
    private readonly Parts _parts;

    private OperatorHost(WebApplication app, Uri baseUrl, Parts parts)
    {
        _app = app;
        _parts = parts;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    public InMemoryConnectorStateStore Store => _parts.Store;

    public FakeSecretSource Secrets => _parts.Secrets;

    public FakeAcumaticaSource Acumatica => _parts.Acumatica;

    public FakeZendeskTarget Zendesk => _parts.Zendesk;

    public FakeWorkflowRuns Workflows => _parts.Workflows;

    public FakeTimeProvider Time => _parts.Time;

    public static Task<OperatorHost> StartAsync() => StartAsync(new Dictionary<string, string?>());

    public static async Task<OperatorHost> StartAsync(Dictionary<string, string?> extraConfig)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var config = new Dictionary<string, string?>
        {
            ["Operator:ApiKeys:0:Name"] = "ops",
            ["Operator:ApiKeys:1:Name"] = "contoso-ops",
            ["Operator:ApiKeys:1:Tenant"] = "contoso",
            ["Operator:ApiKeys:2:Name"] = "fabrikam-ops",
            ["Operator:ApiKeys:2:Tenant"] = "fabrikam",
            ["Operator:ApiKeys:3:Name"] = "unset",
            ["Egress:AllowList:0"] = "127.0.0.1", // the sandbox listens here
        };
        foreach (var (key, value) in extraConfig)
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        var parts = new Parts();
        builder.Services.AddSingleton<IConnectorStateStore>(parts.Store);
        builder.Services.AddSingleton<ISecretSource>(parts.Secrets);
        builder.Services.AddSingleton<IAcumaticaSource>(parts.Acumatica);
        builder.Services.AddSingleton<IZendeskTarget>(parts.Zendesk);
        builder.Services.AddSingleton<IWorkflowRuns>(parts.Workflows);
        builder.Services.AddSingleton<TimeProvider>(parts.Time);
        // Around the operator API what the sync worker registers too (AddSyncWorker): the core and the tenants' clients;
        // the reconcile source replaced by a fake over the fake Zendesk. Validated when built, as the worker is.
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });
        builder.Services.AddSyncCore(builder.Configuration);
        builder.Services.AddTenantClients(builder.Configuration);
        builder.Services.AddOperatorApi(builder.Configuration);
        builder.Services.Replace(ServiceDescriptor.Singleton<IReconcileSource>(new FakeReconcileSource(parts.Zendesk)));
        builder.Services.Configure<AcumaticaClientOptions>(o => o.MaxRetryAttempts = 0);

        parts.Secrets.Values["operator:api-keys:ops"] = AdminKey;
        parts.Secrets.Values["operator:tenant-keys:contoso:contoso-ops"] = ContosoKey;
        parts.Secrets.Values["operator:tenant-keys:fabrikam:fabrikam-ops"] = FabrikamKey;
        parts.Secrets.Values["token-encryption:keys"] = "k1=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        parts.Secrets.Values["token-encryption:current"] = "k1";

        var app = builder.Build();
        app.UseOperatorApiReference();
        app.MapOperatorApi();
        app.MapGet("/sync-cron", () => "not an operator route");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new OperatorHost(app, new Uri(address), parts);
    }

    public HttpClient Client(string? apiKey = AdminKey, bool viaHeader = false)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = BaseUrl };
        if (apiKey is not null)
        {
            if (viaHeader)
            {
                client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
            }
            else
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", apiKey);
            }
        }

        return client;
    }

    public async Task<TenantConfig> AddTenantAsync(TenantConfig tenant)
    {
        await Services.GetRequiredService<TenantRepository>().SaveAsync(tenant, CancellationToken.None);
        return tenant;
    }

    public static StringContent JsonBody(object value) =>
        new(JsonSerializer.Serialize(value, SyncJson.Options), System.Text.Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The fakes, created before the app so DI can hold them.</summary>
    private sealed class Parts
    {
        public Parts() => Workflows = new FakeWorkflowRuns(new RunStore(Store, Time));

        public InMemoryConnectorStateStore Store { get; } = new();

        public FakeSecretSource Secrets { get; } = new();

        public FakeAcumaticaSource Acumatica { get; } = new();

        public FakeZendeskTarget Zendesk { get; } = new();

        public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

        public FakeWorkflowRuns Workflows { get; }
    }
}
