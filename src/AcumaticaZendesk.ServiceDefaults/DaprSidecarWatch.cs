using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.ServiceDefaults;

/// <summary>
/// Watches the Dapr sidecar so that a missing one is said once, clearly, with the fix: one Warning when it has not
/// answered for <see cref="Grace"/> (start-up included), again at most every <see cref="RepeatEvery"/> while it stays
/// away, and one Information when it answers again. The Dapr SDK's own per-retry errors about it are dropped from the
/// logs (<see cref="SidecarLogNoise"/>); <c>GET /health</c> reports it on every call.
/// </summary>
public sealed partial class DaprSidecarWatch(
    DaprClient dapr, IConfiguration configuration, TimeProvider time, ILogger<DaprSidecarWatch> logger) : BackgroundService
{
    /// <summary>How often the sidecar is asked.</summary>
    public static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(5);

    /// <summary>How long it may stay silent before the warning (a sidecar starting next to the app takes seconds).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);

    /// <summary>How often the warning is repeated while the sidecar stays away.</summary>
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(10);

    private DateTimeOffset? _silentSince;
    private DateTimeOffset? _warnedAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = time.GetUtcNow();
        _silentSince = started;
        using var timer = new PeriodicTimer(ProbeEvery, time);
        do
        {
            var now = time.GetUtcNow();
            if (await AnswersAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_warnedAt is not null)
                {
                    LogBack(logger, DaprEndpoints.HttpEndpoint(configuration));
                }

                _silentSince = null;
                _warnedAt = null;
            }
            else
            {
                _silentSince ??= now;
                if (now - _silentSince >= Grace && (_warnedAt is null || now - _warnedAt >= RepeatEvery))
                {
                    _warnedAt = now;
                    LogMissing(
                        logger,
                        DaprEndpoints.HttpEndpoint(configuration),
                        DaprEndpoints.GrpcEndpoint(configuration),
                        (int)(now - _silentSince.Value).TotalSeconds);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<bool> AnswersAsync(CancellationToken stoppingToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        cts.CancelAfter(DaprSidecarHealthCheck.Timeout);
        try
        {
            return await dapr.CheckHealthAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException
            || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "The Dapr sidecar at {HttpEndpoint} (gRPC {GrpcEndpoint}) has not answered healthy for {Seconds} s: secrets, state, pub/sub and workflows are "
            + "unavailable "
            +
        "and the operator API answers 503. Start the apps with 'make run' (embedded mode without the Dapr CLI, or 'dapr run -f .'), " +
        "or set DAPR_HTTP_ENDPOINT and DAPR_GRPC_ENDPOINT to a running sidecar. Said again every 10 minutes while it lasts.")]
    private static partial void LogMissing(ILogger logger, string httpEndpoint, string grpcEndpoint, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Dapr sidecar at {HttpEndpoint} answers again")]
    private static partial void LogBack(ILogger logger, string httpEndpoint);
}
