using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.StandIn;

namespace AcumaticaZendesk.EmbeddedHost;

/// <summary>
/// The sandbox (seeded with the demo dataset, sending signed webhooks of the <c>demo</c> account to the receiver),
/// the stand-in sidecar with the secrets file in its secret store, and the real sync worker and webhook receiver,
/// configured as <c>dapr.yaml</c> configures them (Development environment, the tenants file as seed, client-credentials
/// tokens for the sandbox's Zendesk, the operator keys of the secrets file).
/// </summary>
internal sealed class EmbeddedConnector(ConnectorAppsHost apps, string tenantsFile) : IAsyncDisposable
{
    public ConnectorAppsHost Apps { get; } = apps;

    public static async Task<EmbeddedConnector> StartAsync(
        EmbeddedSettings settings, IReadOnlyDictionary<string, string> secrets, CancellationToken cancellationToken)
    {
        var tenantsFile = DemoTenants.WriteFor(settings);
        try
        {
            var configuration = OperatorKeys.AsConfiguration(OperatorKeys.In(secrets));
            configuration["Tenants:SeedFile"] = tenantsFile;
            configuration["Connectors:ZendeskClientCredentials"] = "true";
            configuration["Operator:PublicBaseUrl"] = settings.WorkerUrl.ToString().TrimEnd('/');
            var apps = await ConnectorAppsHost.StartAsync(new ConnectorAppsOptions
            {
                UseSystemClock = true,
                Environment = "Development",
                SyncWorkerPort = settings.WorkerPort,
                WebhookReceiverPort = settings.ReceiverPort,
                Configuration = configuration,
                ConfigureSidecar = sidecar =>
                {
                    foreach (var (name, value) in secrets)
                    {
                        sidecar.SetSecret(DaprNames.Components.SecretStore, name, value);
                    }
                },
                StartDependencies = async ct =>
                {
                    var sandbox = await SandboxHost.StartAsync(new SandboxOptions
                    {
                        Urls = settings.SandboxUrl.ToString().TrimEnd('/'),
                        Seed = "demo",
                        WebhookUrl = new Uri(settings.ReceiverUrl, "webhooks/zendesk/demo").ToString(),
                        WebhookSecret = secrets.GetValueOrDefault("tenants--demo--zendesk--webhook-signing-secret"),
                    }, ct).ConfigureAwait(false);
                    return new ConnectorDependency(sandbox, new Dictionary<string, string?>());
                },
            }, cancellationToken).ConfigureAwait(false);
            return new EmbeddedConnector(apps, tenantsFile);
        }
        catch
        {
            File.Delete(tenantsFile);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Apps.DisposeAsync().ConfigureAwait(false);
        File.Delete(tenantsFile);
    }
}
