using AcumaticaZendesk.Sync.Alerts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.Alerts;

/// <summary>
/// Hands an alert to each configured channel with a bounded number of attempts (<see cref="AlertDeliveryOptions"/>), each
/// cut at its timeout; waits double between attempts. Never throws for a channel's failure: the outcome says what
/// happened, and a failure is logged (tenant, alert, channel and the error in words; never a secret).
/// </summary>
public sealed class AlertDelivery(
    IEnumerable<IAlertChannel> channels,
    IOptions<AlertDeliveryOptions> options,
    TimeProvider time,
    ILogger<AlertDelivery> logger)
{
    private readonly IAlertChannel[] _channels = [.. channels];

    public async Task<IReadOnlyList<AlertChannelOutcome>> DeliverAsync(AlertSettings settings, AlertNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(notice);
        var outcomes = new List<AlertChannelOutcome>();
        foreach (var channel in _channels.Where(c => IsConfigured(settings, c.Name)))
        {
            outcomes.Add(await DeliverAsync(channel, settings, notice, cancellationToken).ConfigureAwait(false));
        }

        return outcomes;
    }

    private static bool IsConfigured(AlertSettings settings, string channel) => channel switch
    {
        "webhook" => settings.Webhook is not null,
        "email" => settings.Email is not null,
        _ => false,
    };

    private async Task<AlertChannelOutcome> DeliverAsync(IAlertChannel channel, AlertSettings settings, AlertNotice notice, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var attempt = 0;
        AlertAttempt result;
        while (true)
        {
            attempt++;
            using var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cut.CancelAfter(o.AttemptTimeout);
            try
            {
                result = await channel.SendAsync(settings, notice, cut.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                result = AlertAttempt.Transient($"no answer within {o.AttemptTimeout.TotalSeconds:0.#} s");
            }

            if (result.Delivered || !result.Retryable || attempt >= o.Attempts)
            {
                break;
            }

            logger.LogDebug(
                "Alert {AlertKind} of tenant {TenantId}: {Channel} attempt {Attempt} failed ({Error}); trying again",
                notice.KindName, notice.TenantId, channel.Name, attempt, result.Error);
            await Task.Delay(o.RetryDelay * Math.Pow(2, attempt - 1), time, cancellationToken).ConfigureAwait(false);
        }

        if (result.Delivered)
        {
            logger.LogInformation(
                "Alert {AlertKind} of tenant {TenantId} sent by {Channel} (attempt {Attempt})", notice.KindName, notice.TenantId, channel.Name, attempt);
        }
        else
        {
            logger.LogWarning(
                "Alert {AlertKind} of tenant {TenantId} was not delivered by {Channel} after {Attempts} attempts: {Error}",
                notice.KindName, notice.TenantId, channel.Name, attempt, result.Error);
        }

        return new AlertChannelOutcome(channel.Name, result.Delivered, attempt, result.Error);
    }
}
