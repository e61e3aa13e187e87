extern alias SyncWorkerApp;

using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SyncWorkerProgram = SyncWorkerApp::Program;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The sync worker without any sidecar (nothing listens on its Dapr ports): it starts, answers <c>/alive</c>,
/// reports the sidecar on <c>/health</c>, and the cron endpoint answers quickly with what failed instead of waiting
/// forever.
/// </summary>
public sealed class NoSidecarTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private WebApplicationFactory<SyncWorkerProgram> factory = null!;
    private HttpClient client = null!;

    public ValueTask InitializeAsync()
    {
        var closed = ClosedPort();
        factory = new WebApplicationFactory<SyncWorkerProgram>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{closed}",
                ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{closed}",
                ["SyncSchedule:SidecarCallTimeout"] = "00:00:02",
            }));
            b.ConfigureTestServices(s => s.AddSingleton<ITenantDirectory>(new FixedTenantDirectory("contoso")));
        });
        client = factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task The_worker_is_alive_but_not_healthy_and_the_cron_tick_reports_the_failure()
    {
        var ct = TestContext.Current.CancellationToken;

        using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative), ct);
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), ct);
        using var cron = await client.PostAsync(new Uri("/sync-cron", UriKind.Relative), content: null, ct);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("dapr-sidecar", await health.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cron.StatusCode);
        var report = JsonSerializer.Deserialize<CronTickReport>(await cron.Content.ReadAsStringAsync(ct), Json)!;
        var tenant = Assert.Single(report.Tenants);
        Assert.Equal(ScheduleOutcome.Failed, tenant.Outcome);
        Assert.StartsWith("Lease not taken", tenant.Detail, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
