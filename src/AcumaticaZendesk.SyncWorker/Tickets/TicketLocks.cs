namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>One writer per ticket in this process: find-then-create of its activity and its audit writes never interleave.</summary>
public sealed class TicketLocks
{
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string tenantId, long ticketId, CancellationToken cancellationToken)
    {
        var key = $"{tenantId}:{ticketId}";
        Entry entry;
        lock (entries)
        {
            if (!entries.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                entries[key] = entry;
            }

            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, entry);
            throw;
        }

        return new Releaser(() =>
        {
            entry.Gate.Release();
            Leave(key, entry);
        });
    }

    private void Leave(string key, Entry entry)
    {
        lock (entries)
        {
            if (--entry.Users == 0)
            {
                entries.Remove(key);
                entry.Gate.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        private Action? release = release;

        public void Dispose() => Interlocked.Exchange(ref release, null)?.Invoke();
    }
}
