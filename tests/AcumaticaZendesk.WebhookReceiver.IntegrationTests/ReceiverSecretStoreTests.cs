using System.Net;
using System.Text;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.WebhookReceiver.Webhooks;
using AcumaticaZendesk.Zendesk.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.WebhookReceiver.IntegrationTests;

/// <summary>
/// Issue 17 finding 6: what a flood of webhooks costs the secret store (Key Vault in Azure, shared with the worker),
/// and the sidecar deadline measured on the injected clock.
/// </summary>
public sealed class ReceiverSecretStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(Now);
    private readonly StoreProbe store = new();
    private StandInSidecar sidecar = null!;
    private RunningApp receiver = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        sidecar = await StandInSidecar.StartAsync(cancellationToken: Token);
        receiver = RunningApp.StartWebhookReceiver(
            new Dictionary<string, string?>(sidecar.AppConfiguration) { ["WebhookReceiver:SidecarCallTimeout"] = "00:01:00" },
            services =>
            {
                services.AddSingleton<TimeProvider>(time);
                services.AddSingleton<ISecretSource>(store);
            });
    }

    public async ValueTask DisposeAsync()
    {
        await receiver.DisposeAsync();
        await sidecar.DisposeAsync();
    }

    [Fact]
    public async Task A_flood_of_unsigned_or_unknown_tenant_webhooks_reads_the_secret_store_once_per_name_and_period()
    {
        for (var i = 0; i < 20; i++)
        {
            using var unsigned = await SendAsync("/webhooks/zendesk/acme", signed: false);
            using var unknown = await SendAsync("/webhooks/zendesk/globex", signed: true);
            using var push = await SendAsync("/webhooks/acumatica/globex", signed: true);
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, push.StatusCode);
        }

        // globex: the signing secret and its -previous, the push secret and its -previous; acme unsigned: never.
        Assert.Equal(
            ["tenants:globex:acumatica:push-secret", "tenants:globex:acumatica:push-secret-previous",
             "tenants:globex:zendesk:webhook-signing-secret", "tenants:globex:zendesk:webhook-signing-secret-previous"],
            store.Reads.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_secret_store_that_never_answers_is_a_503_once_the_deadline_passes_on_the_injected_clock()
    {
        store.Hang = true;
        var pending = SendAsync("/webhooks/zendesk/acme", signed: true);
        await store.Called.Task.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.False(pending.IsCompleted);

        time.Advance(TimeSpan.FromMinutes(1));

        // Without the injected clock the deadline would be a real minute away; this guard only stops a hang.
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, bool signed)
    {
        const string body = "{}";
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signed)
        {
            request.Headers.Add(ZendeskWebhookVerifier.TimestampHeader, ZendeskWebhookVerifier.FormatTimestamp(Now));
            request.Headers.Add(ZendeskWebhookVerifier.SignatureHeader,
                ZendeskWebhookVerifier.Sign("guess", ZendeskWebhookVerifier.FormatTimestamp(Now), Encoding.UTF8.GetBytes(body)));
            request.Headers.Add(new WebhookReceiverOptions().AcumaticaSecretHeader, "guess");
        }

        return await receiver.Client.SendAsync(request, Token);
    }

    private sealed class StoreProbe : ISecretSource
    {
        private readonly List<string> reads = [];

        public bool Hang { get; set; }

        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Reads
        {
            get
            {
                lock (reads)
                {
                    return [.. reads];
                }
            }
        }

        public async Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken)
        {
            lock (reads)
            {
                reads.Add(name);
            }

            Called.TrySetResult();
            if (Hang)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            return null;
        }
    }
}
