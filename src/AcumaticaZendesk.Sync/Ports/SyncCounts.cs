namespace AcumaticaZendesk.Sync.Ports;

/// <summary>Pages read and one outcome per record: the counts of a call, a kind in a run, a run and the run-completed event.</summary>
public sealed record SyncCounts(int Pages, int Read, int Created, int Updated, int Unchanged, int Skipped, int Failed)
{
    public static readonly SyncCounts None = new(0, 0, 0, 0, 0, 0, 0);

    public SyncCounts Add(SyncCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new SyncCounts(
            Pages + other.Pages,
            Read + other.Read,
            Created + other.Created,
            Updated + other.Updated,
            Unchanged + other.Unchanged,
            Skipped + other.Skipped,
            Failed + other.Failed);
    }

    public static SyncCounts Sum(IEnumerable<SyncCounts> counts) => counts.Aggregate(None, (total, next) => total.Add(next));
}
