using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AcumaticaZendesk.StandIn;

namespace AcumaticaZendesk.EmbeddedHost;

/// <summary>
/// Fires the sync worker's <c>sync-cron</c> binding: once as soon as the worker has seeded its tenants (so the demo
/// does not wait for the next minute, where components/sync-cron.yaml fires), then every
/// <see cref="EmbeddedSettings.CronInterval"/>. Prints what each tick scheduled.
/// </summary>
internal sealed class CronTicker(ConnectorAppsHost apps, TimeSpan interval, TextWriter output)
{
    /// <summary>How long the first tick waits for the tenant seed (it runs in the background at the worker's start).</summary>
    private static readonly TimeSpan SeedWait = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var seedDeadline = DateTimeOffset.UtcNow + SeedWait;
        while (await TickAsync(cancellationToken).ConfigureAwait(false) == 0 && DateTimeOffset.UtcNow < seedDeadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await TickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <returns>How many tenants the tick looked at.</returns>
    private async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        try
        {
            var (status, body) = await apps.TriggerSyncCronAsync(cancellationToken).ConfigureAwait(false);
            if (status != HttpStatusCode.OK)
            {
                await output.WriteLineAsync($"[{now} cron] sync-cron answered {(int)status}: {body}").ConfigureAwait(false);
                return 0;
            }

            var tenants = JsonNode.Parse(body)?["tenants"]?.AsArray() ?? [];
            foreach (var tenant in tenants)
            {
                var detail = (string?)tenant?["detail"];
                await output.WriteLineAsync(
                    $"[{now} cron] {(string?)tenant?["tenantId"]}: "
                        + $"{(string?)tenant?["outcome"]}{(detail is null ? string.Empty : " (" + detail + ")")}").ConfigureAwait(
                        false);
            }

            return tenants.Count;
        }
        catch (HttpRequestException ex)
        {
            await output.WriteLineAsync($"[{now} cron] the sync worker did not answer the cron tick: {ex.Message}").ConfigureAwait(false);
            return 0;
        }
    }
}
