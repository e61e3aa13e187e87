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
                var latest = (await runs.ListAsync(tenantId, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
                var line = latest is null ? null : Describe(latest);
                if (line is not null && (!last.TryGetValue(tenantId, out var previous) || previous != line))
                {
                    last[tenantId] = line;
                    await output.WriteLineAsync($"[{DateTimeOffset.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} progress] {line}").ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary><c>demo run sync-demo-202601051002 Running — Customer 45 read (45 written, 0 failed), Contact 40 read (…)</c>.</summary>
    internal static string Describe(RunRecord run)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{run.TenantId} run {run.RunId} {run.Status}");
        var separator = " — ";
        foreach (var (kind, counts) in run.Kinds)
        {
            text.Append(CultureInfo.InvariantCulture, $"{separator}{kind} {counts.Read} read ({counts.Created + counts.Updated} written, {counts.Failed} failed)");
            separator = ", ";
        }

        return text.ToString();
    }
}
