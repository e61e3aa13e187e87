using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The sync worker without any sidecar (nothing listens on its Dapr ports): it starts, answers <c>/alive</c>,
/// reports the sidecar on <c>/health</c>, and the cron endpoint answers quickly with what failed instead of waiting
/// forever.
/// </summary>
public sealed class NoSidecarTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private RunningApp app = null!;

    public ValueTask InitializeAsync()
    {
        var closed = $"http://127.0.0.1:{ClosedPort()}";
        app = RunningApp.StartSyncWorker(
            new Dictionary<string, string?>
            {
                ["DAPR_GRPC_ENDPOINT"] = closed,
                ["DAPR_HTTP_ENDPOINT"] = closed,
                ["SyncSchedule:SidecarCallTimeout"] = "00:00:02",
            },
            s => s.AddSingleton<ITenantDirectory>(new FixedTenantDirectory("contoso")));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task The_worker_is_alive_but_not_healthy_and_the_cron_tick_reports_the_failure()
    {
        var ct = TestContext.Current.CancellationToken;

        using var alive = await app.Client.GetAsync(new Uri("/alive", UriKind.Relative), ct);
        using var health = await app.Client.GetAsync(new Uri("/health", UriKind.Relative), ct);
        using var cron = await app.Client.PostAsync(new Uri("/sync-cron", UriKind.Relative), content: null, ct);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("dapr-sidecar", await health.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cron.StatusCode);
        var report = JsonSerializer.Deserialize<CronTickReport>(await cron.Content.ReadAsStringAsync(ct), Json)!;
        var tenant = Assert.Single(report.Tenants);
        Assert.Equal(ScheduleOutcome.Failed, tenant.Outcome);
        Assert.StartsWith("Lease not taken", tenant.Detail, StringComparison.Ordinal);
    }

    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
