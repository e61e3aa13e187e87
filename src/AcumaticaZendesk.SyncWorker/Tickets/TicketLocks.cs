using AcumaticaZendesk.Sync.State;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>One writer per ticket in this process: find-then-create of its activity and its audit writes never interleave.</summary>
public sealed class TicketLocks
{
    private readonly KeyedLocks locks = new();

    public Task<IDisposable> AcquireAsync(string tenantId, long ticketId, CancellationToken cancellationToken) =>
        locks.AcquireAsync($"{tenantId}:{ticketId}", cancellationToken);
}
