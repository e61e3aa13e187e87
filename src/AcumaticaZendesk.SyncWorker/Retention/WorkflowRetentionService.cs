using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Retention;

/// <summary>Runs a <see cref="WorkflowRetentionPass"/> every <see cref="WorkflowRetentionOptions.PassInterval"/> when enabled.</summary>
public sealed class WorkflowRetentionService(
    WorkflowRetentionPass pass, IOptions<WorkflowRetentionOptions> options, TimeProvider time, ILogger<WorkflowRetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            logger.LogDebug("Workflow retention by the worker is off (the runtime's stateRetentionPolicy applies)");
            return;
        }

        logger.LogInformation(
            "Workflow retention by the worker is on: completed instances are purged after {Completed}, failed or terminated ones after {FailedOrTerminated}",
            o.Completed, o.FailedOrTerminated);
        using var timer = new PeriodicTimer(o.PassInterval, time);
        do
        {
            try
            {
                await pass.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The sidecar may be starting or away; the next pass tries again.
                logger.LogWarning(ex, "Workflow retention pass failed; the next one runs in {PassInterval}", o.PassInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
