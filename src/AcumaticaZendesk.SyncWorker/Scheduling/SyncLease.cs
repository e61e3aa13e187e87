namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>Where a tenant's run stands, as recorded in its lease.</summary>
public enum SyncLeaseStatus
{
    /// <summary>A run was scheduled and has not finished: no other run of the tenant may start.</summary>
    Running,

    /// <summary>The run finished (whatever its outcome); the next slot may start a run.</summary>
    Released,

    /// <summary>Scheduling the run failed; a later trigger, even in the same slot, may try again.</summary>
    ScheduleFailed,
}

/// <summary>The per-tenant lease (one live run); <see cref="Token"/> is random per acquisition, so a holder knows its own write.</summary>
public sealed record SyncLease(
    string TenantId,
    string InstanceId,
    DateTimeOffset Slot,
    SyncLeaseStatus Status,
    string Token,
    DateTimeOffset AcquiredAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ReleasedAt = null);

/// <summary>What a lease attempt decided.</summary>
public enum LeaseOutcome
{
    /// <summary>The lease is ours: schedule the run.</summary>
    Acquired,

    /// <summary>A run for this tenant and slot was already scheduled (a second replica, a redelivered trigger).</summary>
    DuplicateSlot,

    /// <summary>An earlier run of the tenant is still alive.</summary>
    HeldByActiveRun,

    /// <summary>Another writer changed the lease between our read and our write.</summary>
    LostRace,
}

/// <summary>The outcome and the lease as it stood when the decision was made.</summary>
public sealed record LeaseAttempt(LeaseOutcome Outcome, SyncLease? Lease);
