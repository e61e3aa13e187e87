using AcumaticaZendesk.ServiceDefaults;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Sync.Throughput;
using AcumaticaZendesk.SyncWorker.Retention;
using AcumaticaZendesk.SyncWorker.TenantSync;
using Dapr.Workflow;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>The cron tick: per runnable tenant, take its lease and schedule a run. Every sidecar call has a deadline (else it may wait forever).</summary>
public sealed class SyncCronScheduler(
    ITenantDirectory tenants,
    SyncLeaseStore leases,
    IDaprWorkflowClient workflows,
    IWorkflowRunProbe runs,
    RunStore runRecords,
    WorkflowRetentionLedger retention,
    IOptions<SyncScheduleOptions> options,
    IOptions<ThroughputOptions> throughput,
    TimeProvider time,
    ILogger<SyncCronScheduler> logger)
{
    public async Task<CronTickReport> RunAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var slot = SyncSlots.SlotOf(now, o.Interval);

        IReadOnlyList<string> tenantIds;
        using (var deadline = Deadline(cancellationToken))
        {
            tenantIds = await tenants.ListRunnableTenantIdsAsync(deadline.Token).ConfigureAwait(false);
        }

        // Tenants are scheduled side by side (each waits on the sidecar several times: lease, start, run record); their runs
        // are filed for retention together at the end, one write of the hour's bucket instead of one contended write per run.
        // Each tick takes them in its own random order: replicas whose bindings fire at the same moment then rarely race for
        // the same lease (every lost race is a refused write, which daprd's circuit breaker counts as a failure), and no
        // tenant is always the last one scheduled. The report keeps the listed order.
        var ids = tenantIds.Distinct(StringComparer.Ordinal).ToArray();
        var order = Enumerable.Range(0, ids.Length).ToArray();
        Random.Shared.Shuffle(order);
        var results = new TenantScheduleResult[ids.Length];
        await Parallel.ForEachAsync(
            order,
            new ParallelOptions { MaxDegreeOfParallelism = o.MaxConcurrentSchedules, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await ScheduleTenantAsync(ids[i], slot, now, o, ct, fileForRetention: false).ConfigureAwait(false))
            .ConfigureAwait(false);
        var started = results.Where(r => r.Outcome == ScheduleOutcome.Scheduled).Select(r => r.InstanceId!).ToArray();
        await retention.RecordStartedAsync(started, cancellationToken).ConfigureAwait(false);

        logger.LogInformation(
            "Cron tick for slot {Slot:O}: {Scheduled} of {Tenants} tenants scheduled",
            slot, results.Count(r => r.Outcome == ScheduleOutcome.Scheduled), results.Length);
        return new CronTickReport(now, slot, results);
    }

    /// <summary>A run outside the cron (run now, rerun, early wake) under the same lease; its slot is the moment of the request.</summary>
    public Task<TenantScheduleResult> ScheduleNowAsync(string tenantId, string instanceId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return ScheduleTenantAsync(tenantId, now, now, options.Value, cancellationToken, instanceId);
    }

    private async Task<TenantScheduleResult> ScheduleTenantAsync(
        string tenantId, DateTimeOffset slot, DateTimeOffset now, SyncScheduleOptions o, CancellationToken cancellationToken,
        string? explicitInstanceId = null, bool fileForRetention = true)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            logger.LogError("Tenant id {TenantId} cannot form a workflow instance id; skipped", tenantId);
            return new TenantScheduleResult(tenantId, null, ScheduleOutcome.InvalidTenantId,
                "Tenant ids are " + TenantIds.Rule);
        }

        var instanceId = explicitInstanceId ?? SyncSlots.InstanceId(tenantId, slot);
        LeaseAttempt lease;
        try
        {
            using var deadline = Deadline(cancellationToken);
            lease = await leases.TryAcquireAsync(tenantId, instanceId, slot, o.LeaseDuration, IsRunFinishedAsync, deadline.Token)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSidecarFailure(ex, cancellationToken))
        {
            logger.LogError(ex, "Could not take the lease of tenant {TenantId} for run {InstanceId}", tenantId, instanceId);
            return new TenantScheduleResult(tenantId, instanceId, ScheduleOutcome.Failed, $"Lease not taken: {Describe(ex, o)}");
        }

        switch (lease.Outcome)
        {
            case LeaseOutcome.DuplicateSlot:
                // Reported under the id of the run that has the slot (the id made for this trigger is never used).
                logger.LogInformation(
                    "Duplicate trigger: run {InstanceId} of tenant {TenantId} was already scheduled for this slot",
                    lease.Lease?.InstanceId,
                    tenantId);
                return new TenantScheduleResult(tenantId, lease.Lease?.InstanceId ?? instanceId, ScheduleOutcome.DuplicateSlot);
            case LeaseOutcome.HeldByActiveRun:
                logger.LogInformation("Tenant {TenantId} skipped: run {HeldBy} is still in progress", tenantId, lease.Lease?.InstanceId);
                return new TenantScheduleResult(tenantId, instanceId, ScheduleOutcome.RunInProgress, $"Held by {lease.Lease?.InstanceId}");
            case LeaseOutcome.LostRace:
                logger.LogInformation("Tenant {TenantId} skipped: another trigger took the lease at the same time", tenantId);
                return new TenantScheduleResult(tenantId, instanceId, ScheduleOutcome.LostRace);
        }

        var input = new TenantSyncInput(tenantId, slot, now, throughput.Value.PageSize, o.PagesPerExecution)
        {
            PagesPerActivity = throughput.Value.PagesPerBatch
        };
        try
        {
            using var deadline = Deadline(cancellationToken);
            await workflows.ScheduleNewWorkflowAsync(nameof(TenantSyncWorkflow), instanceId, input, startTime: null, deadline.Token)
                .ConfigureAwait(false);
            logger.LogInformation("Scheduled run {InstanceId} of tenant {TenantId}", instanceId, tenantId);
            await RecordStartedAsync(tenantId, instanceId, fileForRetention, cancellationToken).ConfigureAwait(false);
            return new TenantScheduleResult(tenantId, instanceId, ScheduleOutcome.Scheduled);
        }
        catch (RpcException ex) when (IsAlreadyExists(ex))
        {
            // The instance exists: it is this slot's run, and it will release the lease when it ends.
            logger.LogInformation("Duplicate trigger: the workflow engine already has run {InstanceId} of tenant {TenantId}", instanceId, tenantId);
            return new TenantScheduleResult(tenantId, instanceId, ScheduleOutcome.AlreadyExists);
        }
        catch (Exception ex) when (IsSidecarFailure(ex, cancellationToken))
        {
            return await AfterFailedStartAsync(tenantId, instanceId, ex, o, fileForRetention, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// durabletask-go <c>StartInstance</c> answers only once the instance started, so a failed call may have created the run:
    /// the lease is given back only when the instance does not exist; if that cannot be told, it frees itself when it expires.
    /// </summary>
    private async Task<TenantScheduleResult> AfterFailedStartAsync(
        string tenantId, string instanceId, Exception ex, SyncScheduleOptions o, bool fileForRetention, CancellationToken cancellationToken)
    {
        bool? exists;
        try
        {
            using var deadline = Deadline(cancellationToken);
            exists = await runs.ExistsAsync(instanceId, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception lookup) when (IsSidecarFailure(lookup, cancellationToken))
        {
            logger.LogWarning(lookup, "Could not look up run {InstanceId} of tenant {TenantId} after its start failed", instanceId, tenantId);
            exists = null;
        }

        switch (exists)
        {
            case true:
                logger.LogWarning(
                    ex,
                    "Starting run {InstanceId} of tenant {TenantId} failed, but the workflow engine has it: the run keeps the lease",
                    instanceId,
                    tenantId);
                await RecordStartedAsync(tenantId, instanceId, fileForRetention, cancellationToken).ConfigureAwait(false);
                return new TenantScheduleResult(tenantId, instanceId, ScheduleOutcome.Scheduled, $"Start confirmed by lookup after: {Describe(ex, o)}");
            case null:
                logger.LogError(
                    ex,
                    "Could not schedule run {InstanceId} of tenant {TenantId}, nor tell whether it exists; the lease frees itself when it expires",
                    instanceId,
                    tenantId);
                return new TenantScheduleResult(tenantId, instanceId, ScheduleOutcome.Failed, $"Not confirmed: {Describe(ex, o)}");
            default:
                logger.LogError(ex, "Could not schedule run {InstanceId} of tenant {TenantId}", instanceId, tenantId);
                await GiveBackLeaseAsync(tenantId, instanceId, cancellationToken).ConfigureAwait(false);
                return new TenantScheduleResult(tenantId, instanceId, ScheduleOutcome.Failed, $"Not scheduled: {Describe(ex, o)}");
        }
    }

    /// <summary>A started run: listed in the tenant's runs, and filed for the workflow retention unless its tick files its runs together.</summary>
    private async Task RecordStartedAsync(string tenantId, string instanceId, bool fileForRetention, CancellationToken cancellationToken)
    {
        if (fileForRetention)
        {
            await retention.RecordStartedAsync([instanceId], cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await runRecords.StartAsync(tenantId, instanceId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSidecarFailure(ex, cancellationToken))
        {
            // The run is started: its first page creates the record. Thrown on, this failed the whole tick (503) and
            // left the tenants after it unscheduled, the started run reported as a failed start.
            logger.LogWarning(ex, "Run {InstanceId} of tenant {TenantId} is started but not listed yet; its first page lists it", instanceId, tenantId);
        }
    }

    private async Task<bool> IsRunFinishedAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        return await runs.IsFinishedAsync(instanceId, deadline.Token).ConfigureAwait(false);
    }

    private async Task GiveBackLeaseAsync(string tenantId, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = Deadline(cancellationToken);
            await leases.ReleaseAsync(tenantId, instanceId, SyncLeaseStatus.ScheduleFailed, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSidecarFailure(ex, cancellationToken))
        {
            logger.LogError(ex, "Could not give back the lease of tenant {TenantId}; it frees itself when it expires", tenantId);
        }
    }

    /// <summary>The deadline of one sidecar call, on the injected clock.</summary>
    private Deadline Deadline(CancellationToken cancellationToken) => new(options.Value.SidecarCallTimeout, time, cancellationToken);

    private static bool IsAlreadyExists(RpcException ex) =>
        ex.StatusCode == StatusCode.AlreadyExists
        || ex.Status.Detail.Contains("already exists", StringComparison.OrdinalIgnoreCase);

    /// <summary>Failures of one tenant's calls that must not fail the whole tick (not the caller's own cancellation).</summary>
    private static bool IsSidecarFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is not ArgumentException;

    private static string Describe(Exception ex, SyncScheduleOptions o) => ex is OperationCanceledException
        ? $"the Dapr sidecar did not answer within {o.SidecarCallTimeout.TotalSeconds:0.#} s"
        : ex.GetBaseException().Message;
}
