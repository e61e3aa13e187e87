using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>Acquires and releases the per-tenant sync lease in the connector state store, guarded by ETags.</summary>
public sealed class SyncLeaseStore(IConnectorStateStore store, TimeProvider time, ILogger<SyncLeaseStore> logger)
{
    private const int MaxReleaseAttempts = 5;

    public static string Key(string tenantId) => $"sync-lease:{tenantId}";

    public static LeaseOutcome Decide(SyncLease? current, DateTimeOffset slot, DateTimeOffset now) => current switch
    {
        null => LeaseOutcome.Acquired,
        { Status: not SyncLeaseStatus.ScheduleFailed } when current.Slot == slot => LeaseOutcome.DuplicateSlot,
        { Status: SyncLeaseStatus.Running } when current.ExpiresAt > now => LeaseOutcome.HeldByActiveRun,
        _ => LeaseOutcome.Acquired,
    };

    /// <summary>A lease held by a live-looking run is taken over only if <paramref name="isRunFinished"/> says that run is over.</summary>
    public async Task<LeaseAttempt> TryAcquireAsync(
        string tenantId,
        string instanceId,
        DateTimeOffset slot,
        TimeSpan leaseDuration,
        Func<string, CancellationToken, Task<bool>> isRunFinished,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isRunFinished);
        var key = Key(tenantId);
        var (current, etag) = await store.GetAsync<SyncLease>(key, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var outcome = Decide(current, slot, now);

        if (outcome == LeaseOutcome.HeldByActiveRun && await isRunFinished(current!.InstanceId, cancellationToken).ConfigureAwait(false))
        {
            logger.LogWarning(
                "Lease of tenant {TenantId} names run {HeldBy}, which is no longer running; taking it over",
                tenantId, current.InstanceId);
            outcome = LeaseOutcome.Acquired;
        }
        else if (outcome == LeaseOutcome.Acquired && current is { Status: SyncLeaseStatus.Running })
        {
            logger.LogWarning(
                "Lease of tenant {TenantId} held by run {HeldBy} expired at {ExpiresAt}; taking it over",
                tenantId, current.InstanceId, current.ExpiresAt);
        }

        if (outcome != LeaseOutcome.Acquired)
        {
            return new LeaseAttempt(outcome, current);
        }

        var lease = new SyncLease(tenantId, instanceId, slot, SyncLeaseStatus.Running, Guid.NewGuid().ToString("N"), now, now + leaseDuration);
        if (!await store.TrySaveAsync(key, lease, etag, cancellationToken).ConfigureAwait(false))
        {
            return new LeaseAttempt(LeaseOutcome.LostRace, current);
        }

        // Read back: on stores where a first write without ETag is not insert-only, a concurrent writer may have won.
        var (stored, _) = await store.GetAsync<SyncLease>(key, cancellationToken).ConfigureAwait(false);
        return stored?.Token == lease.Token
            ? new LeaseAttempt(LeaseOutcome.Acquired, lease)
            : new LeaseAttempt(LeaseOutcome.LostRace, stored);
    }

    /// <summary>Idempotent: true when this run's lease is (now or already) released; false when it is another run's or missing.</summary>
    public async Task<bool> ReleaseAsync(string tenantId, string instanceId, SyncLeaseStatus status, CancellationToken cancellationToken)
    {
        if (status == SyncLeaseStatus.Running)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Releasing a lease needs a status other than Running");
        }

        var key = Key(tenantId);
        for (var attempt = 1; attempt <= MaxReleaseAttempts; attempt++)
        {
            var (current, etag) = await store.GetAsync<SyncLease>(key, cancellationToken).ConfigureAwait(false);
            if (current is null || !string.Equals(current.InstanceId, instanceId, StringComparison.Ordinal))
            {
                logger.LogWarning(
                    "Run {InstanceId} did not release the lease of tenant {TenantId}: it is held by {HeldBy}",
                    instanceId, tenantId, current?.InstanceId ?? "nobody");
                return false;
            }

            if (current.Status != SyncLeaseStatus.Running)
            {
                return true;
            }

            var released = current with { Status = status, ReleasedAt = time.GetUtcNow() };
            if (await store.TrySaveAsync(key, released, etag, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        throw new InvalidOperationException(
            $"The lease of tenant '{tenantId}' kept changing while run '{instanceId}' tried to release it ({MaxReleaseAttempts} attempts)");
    }
}
