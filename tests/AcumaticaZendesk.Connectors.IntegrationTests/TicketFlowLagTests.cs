using System.Text.Json.Nodes;
using AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.SyncWorker.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

/// <summary>
/// A burst of ticket changes of one tenant: their workflows apply at once (daprd runs activities concurrently), and each
/// records the tenant's flow-lag gauge. Concurrent saves of that one key lose ETag races, which daprd's circuit breaker
/// counts as failures (components/resiliency.yaml: five in a row open it for every state call of the sidecar).
/// </summary>
public sealed class TicketFlowLagTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tickets_applied_at_once_write_their_tenants_flow_lag_gauge_one_at_a_time()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", Seed = "demo" }, _ct);
        var probe = new GaugeWriteProbe(new InMemoryConnectorStateStore());
        using var host = SandboxDemo.Host(services =>
        {
            services.RemoveAll<IConnectorStateStore>();
            services.AddSingleton<IConnectorStateStore>(probe);
            services.AddTicketFlow();
            services.RemoveAll<EarlySyncTrigger>();
        });
        await SandboxDemo.SaveTenantAsync(host, sandbox, _ct);
        var control = sandbox.Control;
        var customers = control.AcumaticaRecords("demo", "Customer").Take(6).Select(c => c!["CustomerID"]!["value"]!.ToString()).ToList();
        var tickets = customers.Select(code => control.OpenTicket("demo", Organization(control, code), $"Case of {code}")).ToList();
        var flow = host.Get<TicketContextService>();

        var results = await Task.WhenAll(tickets.Select((t, i) => flow.ApplyAsync("demo", t, $"webhook-{i}", _ct)));

        Assert.All(results, r => Assert.Equal(TicketContextOutcome.Created, r.Outcome));
        Assert.Equal(tickets.Count, probe.GaugeWrites);
        Assert.Equal(1, probe.MostGaugeWritesAtOnce);
    }

    private static long Organization(SandboxControl control, string accountCode) =>
        (long)control.CreateOrganization(
            "demo",
            new JsonObject { ["name"] = $"Account {accountCode}", ["external_id"] = accountCode })["id"]!;

    /// <summary>The state store, with each write of a flow-lag gauge held 200 ms (a store under load) and counted while in flight.</summary>
    private sealed class GaugeWriteProbe(IConnectorStateStore inner) : IConnectorStateStore
    {
        private int inFlight;
        private int most;
        private int writes;

        public int GaugeWrites => Volatile.Read(ref writes);

        public int MostGaugeWritesAtOnce => Volatile.Read(ref most);

        public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken) => inner.GetAsync<T>(key, cancellationToken);

        public Task<IReadOnlyDictionary<string, T>> GetManyAsync<T>(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            inner.GetManyAsync<T>(keys, cancellationToken);

        public async Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken)
        {
            if (!key.EndsWith(":flow-lag", StringComparison.Ordinal))
            {
                await inner.SaveAsync(key, value, cancellationToken);
                return;
            }

            Interlocked.Increment(ref writes);
            var now = Interlocked.Increment(ref inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, now, seen) != seen)
            {
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                await inner.SaveAsync(key, value, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken) =>
            inner.TrySaveAsync(key, value, etag, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }
}
