namespace AcumaticaZendesk.Sync.Audit;

/// <summary>Progress of one kind in a running run: counts, and percent and time left when a full read of the kind is known.</summary>
public sealed record KindEstimate(string Kind, KindProgress Progress, int? ExpectedRecords, double? Percent, TimeSpan? TimeLeft);

/// <summary>Percent and time left of a running run, per kind, from the largest earlier complete read (Acumatica gives no total).</summary>
public static class RunEstimate
{
    /// <summary>How many recent runs (<see cref="RunStore.ListAsync"/>) to pass as the earlier ones.</summary>
    public const int History = 50;

    public static IReadOnlyList<KindEstimate> Of(RunRecord run, IEnumerable<RunRecord> earlier, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        var previous = earlier.Where(r => r.RunId != run.RunId && r.FinishedAt is not null).ToArray();
        var elapsed = now - run.StartedAt;
        var estimates = new List<KindEstimate>();
        foreach (var (kind, progress) in run.Kinds)
        {
            int? expected = null;
            var full = previous
                .Select(r => r.Kinds.GetValueOrDefault(kind))
                .Where(k => k is { FromWatermark: null, WindowClosed: true })
                .Select(k => k!.Counts.Read)
                .DefaultIfEmpty(0)
                .Max();
            if (progress.FromWatermark is null && full > 0)
            {
                expected = full;
            }

            double? percent = expected is { } total ? Math.Min(100, 100.0 * progress.Counts.Read / total) : null;
            if (progress.WindowClosed)
            {
                percent = 100;
            }

            TimeSpan? left = null;
            if (percent is > 0 and < 100 && elapsed > TimeSpan.Zero)
            {
                left = TimeSpan.FromSeconds(elapsed.TotalSeconds * (100 - percent.Value) / percent.Value);
            }

            estimates.Add(new KindEstimate(kind, progress, expected, percent, left));
        }

        return estimates;
    }
}
