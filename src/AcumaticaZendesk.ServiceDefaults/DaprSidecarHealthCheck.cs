using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AcumaticaZendesk.ServiceDefaults;

/// <summary>
/// Readiness: the Dapr sidecar answers its health endpoint. Unhealthy, with the endpoint it tried and
/// why, when no sidecar is reachable (for example when the app runs without <c>dapr run</c>).
/// </summary>
public sealed class DaprSidecarHealthCheck(DaprClient dapr, IConfiguration configuration) : IHealthCheck
{
    /// <summary>How long the sidecar may take to answer before it counts as unreachable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var endpoint = DaprEndpoints.HttpEndpoint(configuration);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        try
        {
            return await dapr.CheckHealthAsync(cts.Token).ConfigureAwait(false)
                ? HealthCheckResult.Healthy($"Dapr sidecar at {endpoint} is healthy")
                : HealthCheckResult.Unhealthy(
                    $"Dapr sidecar at {endpoint} is not reachable or not healthy; start the app with 'dapr run' (or 'make run') " +
                    "or set DAPR_HTTP_ENDPOINT to a running sidecar");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Dapr sidecar at {endpoint} did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"Dapr sidecar at {endpoint} is not reachable: {ex.Message}");
        }
    }
}

/// <summary>Where the Dapr SDK looks for the sidecar (its own settings, from configuration or the environment).</summary>
public static class DaprEndpoints
{
    public static string HttpEndpoint(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration["DAPR_HTTP_ENDPOINT"] is { Length: > 0 } e ? e
            : $"http://127.0.0.1:{configuration["DAPR_HTTP_PORT"] ?? "3500"}";
    }

    public static string GrpcEndpoint(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration["DAPR_GRPC_ENDPOINT"] is { Length: > 0 } e ? e
            : $"http://127.0.0.1:{configuration["DAPR_GRPC_PORT"] ?? "50001"}";
    }
}
