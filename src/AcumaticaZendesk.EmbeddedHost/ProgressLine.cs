using System.Globalization;
using System.Text;
using AcumaticaZendesk.Sync.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EmbeddedHost;

/// <summary>
/// Prints each tenant's latest run whenever it changes: status and, per kind, records read and written. Reads the
/// worker's run records in process (the same <see cref="RunStore"/> <c>GET /operator/v1/tenants/{id}/runs</c> answers from),
/// so following progress adds no request lines to the log.
/// </summary>
internal sealed class ProgressLine(IServiceProvider workerServices, IReadOnlyList<string> tenantIds, TextWriter output)
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var runs = workerServices.GetRequiredService<RunStore>();
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var tenantId in tenantIds)
            {
                var recent = await runs.ListAsync(tenantId, RunEstimate.History, cancellationToken).ConfigureAwait(false);
                var latest = recent.FirstOrDefault();
                var line = latest is null ? null : Describe(latest, RunEstimate.Of(latest, recent, DateTimeOffset.UtcNow));
                if (line is not null && (!last.TryGetValue(tenantId, out var previous) || previous != line))
                {
                    last[tenantId] = line;
                    await output.WriteLineAsync($"[{DateTimeOffset.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} progress] {line}").ConfigureAwait(
                        false);
                }
            }
        }
    }

    /// <summary>
    /// <c>demo run sync-demo-202601051002 Running — customer 45 read (45 written, 0 failed) 38% ~12 s left, contact 40 read (…)</c>;
    /// percent and time left where an earlier complete read of the kind tells how many records to expect.
    /// </summary>
    internal static string Describe(RunRecord run, IReadOnlyList<KindEstimate> estimates)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{run.TenantId} run {run.RunId} {run.Status}");
        var separator = " — ";
        foreach (var estimate in estimates)
        {
            var counts = estimate.Progress.Counts;
            text.Append(
                CultureInfo.InvariantCulture,
                $"{separator}{estimate.Kind} {counts.Read} read ({counts.Created + counts.Updated} written, {counts.Failed} failed)");
            if (run.Status == RunStatus.Running && estimate.Percent is { } percent)
            {
                text.Append(CultureInfo.InvariantCulture, $" {percent:0}%");
                if (estimate.TimeLeft is { } left)
                {
                    text.Append(CultureInfo.InvariantCulture, $" ~{Math.Ceiling(left.TotalSeconds):0} s left");
                }
            }

            separator = ", ";
        }

        return text.ToString();
    }
}
