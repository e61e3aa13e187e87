using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AcumaticaZendesk.Testing.Hosting;

/// <summary>
/// Starts an app exactly as production does, with the Dapr sidecar endpoints pointed at a loopback
/// port where nothing listens, so tests see what a user sees when no sidecar runs.
/// </summary>
public sealed class NoSidecarAppFactory<TProgram> : WebApplicationFactory<TProgram>
    where TProgram : class
{
    /// <summary>The HTTP endpoint the app believes its sidecar has (nothing listens there).</summary>
    public string DeadSidecarHttpEndpoint { get; } = $"http://127.0.0.1:{UnusedLoopbackPort()}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("DAPR_HTTP_ENDPOINT", DeadSidecarHttpEndpoint);
        builder.UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{UnusedLoopbackPort()}");
    }

    private static int UnusedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
