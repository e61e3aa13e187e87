using System.Security.Cryptography;
using System.Text;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.Testing;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace AcumaticaZendesk.EndToEndTests.Security;

/// <summary>
/// A sandboxed run with known secret values (passwords, OAuth client secrets, the operator key, the token-encryption
/// key) and the tokens the run obtained: none of them may appear in any log line of any level, and no token may be in
/// the state store (audit trail, run records, token records) in plain text.
/// </summary>
public sealed class SecretsAtRestAndInLogsTests : IAsyncLifetime
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);
    private readonly CapturingLogSink logs = new();
    private readonly string encryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private SandboxedConnector connector = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        connector = await SandboxedConnector.StartAsync(new SandboxedConnectorOptions
        {
            Configuration = new Dictionary<string, string?>
            {
                ["Serilog:MinimumLevel:Default"] = "Verbose",
                ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
                ["Serilog:MinimumLevel:Override:System.Net.Http.HttpClient"] = "Verbose",
                ["Serilog:MinimumLevel:Override:Grpc"] = "Verbose",
            },
            ConfigureSyncWorker = services => services.AddSingleton<ILogEventSink>(logs),
        }, Token);
        connector.SetSecret("token-encryption:keys", $"k1={encryptionKey}");
    }

    public async ValueTask DisposeAsync() => await connector.DisposeAsync();

    [Fact]
    public async Task No_secret_or_token_is_logged_and_tokens_are_encrypted_at_rest()
    {
        var spec = new SeedSpec
        {
            Instance = "sec",
            Subdomain = "sec",
            Customers = 12,
            Vendors = 4,
            CustomerVendors = 2,
            ContactsPerAccount = 1,
            Employees = 2
        };
        await connector.SaveTenantAsync(connector.SeedTenant("sec", spec), Token);
        await RunAsync();

        // Both systems' access tokens end mid-life: the next run refreshes them (a refresh is where tokens travel most).
        connector.Control.ExpireAcumaticaAccessTokens("sec");
        connector.Control.ExpireZendeskAccessTokens("sec");
        connector.Control.RenameAccount(
            "sec",
            (string)connector.Control.AcumaticaRecords("sec", "Customer")[0]!["CustomerID"]!["value"]!,
            "Renamed for the refresh run");
        await RunAsync();

        // The token store as the product builds it (key ring from the secret store), to read the tokens in clear.
        var services = connector.WorkerServices;
        var ring = await TokenKeyRing.LoadAsync(services.GetRequiredService<ISecretSource>(), Token);
        var tokens = new TenantTokenStore(services.GetRequiredService<IConnectorStateStore>(), new TokenProtector(ring), TimeProvider.System);
        var acumatica = await tokens.GetAsync("sec", ConnectedSystem.Acumatica, Token);
        var zendesk = await tokens.GetAsync("sec", ConnectedSystem.Zendesk, Token);
        Assert.NotNull(acumatica);
        Assert.NotNull(zendesk);
        string[] tokenValues = [.. new[] { acumatica.AccessToken, acumatica.RefreshToken, zendesk.AccessToken, zendesk.RefreshToken }.OfType<string>()];
        string[] secrets =
        [
            .. tokenValues,
            DemoCredentials.AcumaticaPassword,
            DemoCredentials.AcumaticaClientSecret,
            DemoCredentials.ZendeskClientSecret,
            SandboxedConnector.OperatorKey,
            encryptionKey,
        ];

        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, l => l.Contains("sec", StringComparison.Ordinal));
        var leaks = logs.Lines.Where(l => secrets.Any(s => l.Contains(s, StringComparison.Ordinal)))
            .Select(l => secrets.Aggregate(l, (line, secret) => line.Replace(secret, "<SECRET>", StringComparison.Ordinal)))
            .ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} log lines hold a secret or token, e.g.:\n{string.Join("\n", leaks.Take(3))}");

        // The state store holds the audit trail, run records and the sealed tokens: no token or secret in clear text
        // (neither as UTF-8 nor base64 of it).
        var state = connector.Apps.Sidecar.StateStore(DaprNames.Components.StateStore).Snapshot();
        Assert.Contains(state.Keys, k => k.Contains("tokens", StringComparison.Ordinal));
        Assert.Contains(state.Keys, k => k.Contains("audit", StringComparison.Ordinal));
        foreach (var (key, value) in state)
        {
            var text = value.Data.ToStringUtf8();
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"state key '{key}' holds a secret in clear text");
                Assert.False(
                    text.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), StringComparison.Ordinal),
                    $"state key '{key}' holds a secret in base64");
            }
        }
    }

    private async Task RunAsync()
    {
        var state = await connector.RunSyncAsync("sec", RunTimeout, Token);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(SyncRunOutcome.Succeeded, state.ReadOutputAs<SyncRunSummary>()!.Outcome);
    }
}
