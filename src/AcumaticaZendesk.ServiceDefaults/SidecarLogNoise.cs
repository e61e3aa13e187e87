using System.Net.Sockets;
using Grpc.Core;
using Serilog.Events;

namespace AcumaticaZendesk.ServiceDefaults;

/// <summary>
/// Log events that only repeat "the Dapr sidecar is not there": the Dapr SDK's workflow worker reconnects every few
/// seconds and logs each failed attempt as an error with two stack traces. <see cref="DaprSidecarWatch"/> says it once
/// instead, with the fix.
/// </summary>
public static class SidecarLogNoise
{
    /// <summary>Where the workflow worker of Dapr.Workflow logs its connection to the sidecar.</summary>
    public const string WorkflowWorkerSource = "Dapr.Workflow.Worker";

    public static bool IsNoise(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        return logEvent.Properties.TryGetValue("SourceContext", out var source)
            && source is ScalarValue { Value: string name }
            && name.StartsWith(WorkflowWorkerSource, StringComparison.Ordinal)
            && IsSidecarAway(logEvent.Exception);
    }

    /// <summary>The exception says that nothing answered at the sidecar's address (refused, unreachable, timed out).</summary>
    public static bool IsSidecarAway(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded } or SocketException or HttpRequestException)
            {
                return true;
            }
        }

        return false;
    }
}
