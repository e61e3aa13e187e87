using System.Security.Cryptography;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Testing;

/// <summary>What a sandbox-backed end-to-end test may choose.</summary>
public sealed class SandboxedConnectorOptions
{
    /// <summary>Extra configuration for both apps.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>Service overrides for the sync worker (keep to test doubles of the environment, never the flow).</summary>
    public Action<IServiceCollection>? ConfigureSyncWorker { get; init; }

    /// <summary>Records per Acumatica page (small pages exercise page edges and ContinueAsNew).</summary>
    public int PageSize { get; init; } = 25;

    public int PagesPerExecution { get; init; } = 4;

    /// <summary>Zendesk tokens by an operator's consent and refresh tokens (production's way, the default) or by client credentials.</summary>
    public ZendeskAuthorization ZendeskAuthorization { get; init; } = ZendeskAuthorization.AuthorizationCode;

    /// <summary>Kestrel port of the sync worker on 127.0.0.1 (0: any free port), for a test that must know its public URL up front.</summary>
    public int SyncWorkerPort { get; init; }

    /// <summary>Which real state store the stand-in's state stores behave like (default: <c>STANDIN_STATE_STORE</c>, else sqlite).</summary>
    public StateStorePersonality StatePersonality { get; init; } = StateStorePersonalities.FromEnvironment();

    /// <summary>
    /// The sidecar's workflow concurrency limits (<see cref="StandInSidecarOptions.MaxConcurrentWorkflowInvocations"/>); null: the
    /// stand-in's.
    /// </summary>
    public int? MaxConcurrentWorkflowInvocations { get; init; }

    /// <summary>See <see cref="StandInSidecarOptions.MaxConcurrentActivityInvocations"/>; null: the stand-in's.</summary>
    public int? MaxConcurrentActivityInvocations { get; init; }
}

/// <summary>
/// The whole product on one machine: the sandbox (simulated Acumatica instances and Zendesk accounts), the stand-in
/// Dapr sidecar and the real sync worker and webhook receiver, configured exactly as <c>make run</c> configures them
/// (only endpoints differ). The sidecar's secret store holds the sandbox's demo credentials, a fresh token-encryption
/// key and an operator API key.
/// </summary>
public sealed class SandboxedConnector : IAsyncDisposable
{
    /// <summary>The operator API key (secret <c>operator:api-keys:e2e</c>) for <c>X-Api-Key</c>.</summary>
    public const string OperatorKey = "e2e-operator-key-0123456789abcdef";

    private readonly ZendeskAuthorization _zendeskAuthorization;

    private SandboxedConnector(ConnectorAppsHost apps, SandboxHost sandbox, ZendeskAuthorization zendeskAuthorization)
    {
        _zendeskAuthorization = zendeskAuthorization;
        Apps = apps;
        Sandbox = sandbox;
    }

    public ConnectorAppsHost Apps { get; }

    public SandboxHost Sandbox { get; }

    public SandboxControl Control => Sandbox.Control;

    public IServiceProvider WorkerServices => Apps.SyncWorkerServices;

    public static async Task<SandboxedConnector> StartAsync(SandboxedConnectorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxedConnectorOptions();
        SandboxHost? sandbox = null;
        var configuration = new Dictionary<string, string?>
        {
            ["Sync:Throughput:PageSize"] = options.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SyncSchedule:PagesPerExecution"] = options.PagesPerExecution.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Connectors:ZendeskClientCredentials"] = options.ZendeskAuthorization == ZendeskAuthorization.ClientCredentials ? "true" : "false",
            ["Operator:ApiKeys:0:Name"] = "e2e",
        };
        foreach (var (key, value) in options.Configuration)
        {
            configuration[key] = value;
        }

        var apps = await ConnectorAppsHost.StartAsync(new ConnectorAppsOptions
        {
            UseSystemClock = true,
            SyncWorkerPort = options.SyncWorkerPort,
            Sidecar = new StandInSidecarOptions
            {
                StatePersonality = options.StatePersonality,
                MaxConcurrentWorkflowInvocations = options.MaxConcurrentWorkflowInvocations,
                MaxConcurrentActivityInvocations = options.MaxConcurrentActivityInvocations,
            },
            Configuration = configuration,
            ConfigureSyncWorker = options.ConfigureSyncWorker,
            StartDependencies = async ct =>
            {
                sandbox = await SandboxHost.StartAsync(new SandboxOptions(), ct).ConfigureAwait(false);
                return new ConnectorDependency(sandbox, new Dictionary<string, string?>());
            },
        }, cancellationToken).ConfigureAwait(false);

        var connector = new SandboxedConnector(apps, sandbox!, options.ZendeskAuthorization);
        connector.SetSecret("token-encryption:keys", $"k1={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}");
        connector.SetSecret("token-encryption:current", "k1");
        connector.SetSecret("operator:api-keys:e2e", OperatorKey);
        connector.SetSecret(SecretNames.OAuthClientId(ConnectedSystem.Acumatica), DemoCredentials.AcumaticaClientId);
        connector.SetSecret(SecretNames.OAuthClientSecret(ConnectedSystem.Acumatica), DemoCredentials.AcumaticaClientSecret);
        connector.SetSecret(SecretNames.OAuthClientId(ConnectedSystem.Zendesk), DemoCredentials.ZendeskClientId);
        connector.SetSecret(SecretNames.OAuthClientSecret(ConnectedSystem.Zendesk), DemoCredentials.ZendeskClientSecret);
        return connector;
    }

    /// <summary>Puts a secret into the sidecar's secret store under its logical name (<c>a:b</c> is stored as <c>a--b</c>).</summary>
    public void SetSecret(string name, string value) =>
        Apps.Sidecar.SetSecret(DaprNames.Components.SecretStore, name.Replace(":", "--", StringComparison.Ordinal), value);

    /// <summary>
    /// What an admin sets up in Zendesk for the ticket flow: the account's webhooks go to the real receiver's URL for
    /// <paramref name="tenantId"/>, signed with <paramref name="signingSecret"/>, which the receiver reads from the secret store.
    /// </summary>
    public void ConnectTicketWebhooks(string tenantId, string subdomain, string signingSecret)
    {
        SetSecret(SecretNames.WebhookSigningSecret(tenantId), signingSecret);
        Control.ConfigureWebhook(subdomain, TicketWebhookUrl(tenantId).AbsoluteUri, signingSecret);
    }

    /// <summary>The receiver's Zendesk webhook endpoint of a tenant.</summary>
    public Uri TicketWebhookUrl(string tenantId) => new(Apps.WebhookReceiver.BaseAddress!, $"/webhooks/zendesk/{tenantId}");

    /// <summary>
    /// Seeds a sandbox instance + account pair and gives it the demo access (OAuth clients, Acumatica user), then
    /// returns a tenant pointing at it (OAuth password grant with the tenant's Acumatica user).
    /// </summary>
    public TenantConfig SeedTenant(string tenantId, SeedSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Control.Seed(spec);
        Control.AddDemoCredentials(spec.Instance, spec.Subdomain);
        SetSecret(SecretNames.AcumaticaUserName(tenantId), DemoCredentials.AcumaticaUser);
        SetSecret(SecretNames.AcumaticaPassword(tenantId), DemoCredentials.AcumaticaPassword);
        return new TenantConfig
        {
            Id = tenantId,
            DisplayName = $"Tenant {tenantId}",
            Acumatica = new AcumaticaSettings
            {
                InstanceUrl = Sandbox.AcumaticaUrl(spec.Instance).ToString(),
                EndpointVersion = "24.200.001",
                Company = spec.Tenant,
            },
            Zendesk = new ZendeskSettings { Subdomain = spec.Subdomain, BaseUrl = Sandbox.ZendeskUrl(spec.Subdomain).ToString() },
        };
    }

    /// <summary>
    /// Stores a tenant through the worker's tenant store (what the operator API and the seed file do); with the
    /// authorization-code flow, a tenant without Zendesk tokens is then connected by an operator's consent.
    /// </summary>
    public async Task SaveTenantAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await WorkerServices.GetRequiredService<TenantRepository>().SaveAsync(tenant, cancellationToken).ConfigureAwait(false);
        await EnsureZendeskConnectedAsync(tenant.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>With the authorization-code flow, connects Zendesk for a tenant that has no Zendesk tokens yet.</summary>
    public async Task EnsureZendeskConnectedAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (_zendeskAuthorization != ZendeskAuthorization.AuthorizationCode)
        {
            return;
        }

        var tokens = await WorkerServices.GetRequiredService<TenantTokens>().GetStoreAsync(cancellationToken).ConfigureAwait(false);
        if (await tokens.GetAsync(tenantId, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false) is null)
        {
            await ConnectAsync(tenantId, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An operator's consent for <paramref name="system"/> through the operator API and the sandbox's authorize endpoint.</summary>
    public Task ConnectAsync(string tenantId, ConnectedSystem system, CancellationToken cancellationToken) =>
        OperatorConsent.ConnectAsync(Apps.SyncWorker, OperatorKey, tenantId, system.ToString().ToLowerInvariant(), cancellationToken);

    /// <summary>
    /// Starts a run the way an operator's "run now" does (same lease, same workflow as the cron tick) and waits for
    /// the workflow to finish; returns its final state.
    /// </summary>
    public async Task<WorkflowState> RunSyncAsync(string tenantId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var instanceId = await StartRunAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return await WaitForRunAsync(instanceId, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a run the way an operator's "run now" does, without waiting for it; returns its workflow instance id.</summary>
    public async Task<string> StartRunAsync(string tenantId, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var runs = WorkerServices.GetRequiredService<IWorkflowRuns>();
                return await runs.ScheduleRunNowAsync(new RunRequest(tenantId, "e2e", "test run"), cancellationToken).ConfigureAwait(false);
            }
            catch (RunInProgressException)
            {
                // The previous run's completion activity releases the lease a moment after the workflow reports done.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<WorkflowState> WaitForRunAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var workflows = WorkerServices.GetRequiredService<IDaprWorkflowClient>();
        return await workflows.WaitForWorkflowCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => Apps.DisposeAsync();
}
