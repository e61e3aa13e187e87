using System.Diagnostics;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.Testing;
using AcumaticaZendesk.Zendesk;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Chaos;

/// <summary>One scenario's world: a fresh sandboxed connector, the tenants it seeded and what was measured.</summary>
public sealed class ScenarioContext(SandboxedConnector connector, TimeSpan convergeBound) : IAsyncDisposable
{
    /// <summary>Bound for a single run (a run stuck longer than this counts as not converged).</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(150);

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<string> notes = [];
    private readonly List<string> failures = [];
    private long zendeskRetries;

    public SandboxedConnector Connector { get; } = connector;

    public SandboxControl Control => Connector.Control;

    public int Runs { get; private set; }

    /// <summary>Runs started only to converge (after the scenario's own faulted runs): the re-runs it needed.</summary>
    public int Reruns { get; private set; }

    public IReadOnlyList<string> Notes => notes;

    /// <summary>Checks that failed (any one fails the scenario).</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (failures)
            {
                return [.. failures];
            }
        }
    }

    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>A small dataset (scaled so a run stays short): one tenant = one instance + one account of the same name.</summary>
    public static SeedSpec Dataset(string name, int customers = 24, int vendors = 8, int customerVendors = 4, int tieGroupSize = 10) => new()
    {
        Instance = name,
        Subdomain = name,
        Customers = customers,
        Vendors = vendors,
        CustomerVendors = customerVendors,
        ContactsPerAccount = 2,
        Employees = 3,
        TieGroupSize = tieGroupSize,
    };

    public async Task<TenantConfig> AddTenantAsync(SeedSpec spec, CancellationToken cancellationToken, Func<TenantConfig, TenantConfig>? change = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tenant = Connector.SeedTenant(spec.Instance, spec);
        tenant = change?.Invoke(tenant) ?? tenant;
        await Connector.SaveTenantAsync(tenant, cancellationToken).ConfigureAwait(false);
        return tenant;
    }

    public void Note(string note)
    {
        lock (notes)
        {
            if (!notes.Contains(note))
            {
                notes.Add(note);
            }
        }
    }

    /// <summary>Records a failed check: the scenario fails, whatever happens afterwards.</summary>
    public void Fail(string failure)
    {
        lock (failures)
        {
            failures.Add(failure);
        }

        Note($"FAIL: {failure}");
    }

    /// <summary>Checks <paramref name="condition"/>: noted as "ok: …" when it holds, a failure of the scenario when not.</summary>
    public bool Check(bool condition, string what)
    {
        if (condition)
        {
            Note($"ok: {what}");
        }
        else
        {
            Fail(what);
        }

        return condition;
    }

    /// <summary>Checks that a faulted run finished: its workflow completed and every kind was read to the end.</summary>
    public bool ExpectFinished(SyncRunSummary? run, string which) =>
        Check(run is { Outcome: SyncRunOutcome.Succeeded }, $"{which} finished (was {Describe(run)})");

    /// <summary>Checks that a faulted run failed clearly: the run is recorded as failed with an error naming <paramref name="reason"/>.</summary>
    public bool ExpectFailedClearly(SyncRunSummary? run, string which, string reason) =>
        Check(run is { Outcome: SyncRunOutcome.Failed, Error: { } error } && error.Contains(reason, StringComparison.OrdinalIgnoreCase),
            $"{which} failed clearly with '{reason}' (was {Describe(run)})");

    private static string Describe(SyncRunSummary? run) =>
        run is null ? "no completed workflow" : $"{run.Outcome}{(run.Error is null ? "" : $": {run.Error}")}";

    /// <summary>Faults injected outside HTTP (restarts, token expiries, concurrent changes), by kind.</summary>
    public IReadOnlyDictionary<string, int> InjectedFaults
    {
        get
        {
            lock (injected)
            {
                return new SortedDictionary<string, int>(injected, StringComparer.Ordinal);
            }
        }
    }

    public void Injected(string kind, int count = 1)
    {
        lock (injected)
        {
            injected[kind] = injected.GetValueOrDefault(kind) + count;
        }
    }

    private readonly Dictionary<string, int> injected = new(StringComparer.Ordinal);

    /// <summary>Starts a "run now" without waiting (counted in <see cref="Runs"/>).</summary>
    public Task<string> StartRunAsync(string tenantId, CancellationToken cancellationToken)
    {
        Runs++;
        return Connector.StartRunAsync(tenantId, cancellationToken);
    }

    /// <summary>Counts a run started some other way (the cron binding).</summary>
    public void CountRun() => Runs++;

    /// <summary>Runs "run now" and waits for it; returns the run's summary (null when the workflow itself did not complete).</summary>
    public async Task<SyncRunSummary?> RunOnceAsync(string tenantId, CancellationToken cancellationToken)
    {
        Runs++;
        var state = await Connector.RunSyncAsync(tenantId, RunTimeout, cancellationToken).ConfigureAwait(false);
        return Summarize(state);
    }

    public SyncRunSummary? Summarize(WorkflowState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        CollectWorkerCounters();
        if (state.RuntimeStatus != WorkflowRuntimeStatus.Completed)
        {
            Note($"workflow {state.RuntimeStatus}: {state.FailureDetails?.ErrorMessage}");
            return null;
        }

        var summary = state.ReadOutputAs<SyncRunSummary>();
        if (summary is { Outcome: SyncRunOutcome.Failed })
        {
            Note($"run failed: {summary.Error}");
        }
        else if (summary is not null)
        {
            var p = summary.Counts;
            Note($"run: read {p.Read}, created {p.Created}, updated {p.Updated}, unchanged {p.Unchanged}, skipped {p.Skipped}, failed {p.Failed}");
        }

        return summary;
    }

    /// <summary>
    /// Runs again until the tenant's Zendesk account agrees with its Acumatica instance (nothing lost, nothing stale)
    /// or the scenario's bound passes; returns the time from <paramref name="since"/> to convergence (null = did not converge).
    /// </summary>
    public async Task<TimeSpan?> ConvergeAsync(string tenantId, TimeSpan since, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Reconcile(tenantId).Converged)
            {
                return clock.Elapsed - since;
            }

            if (clock.Elapsed - since > convergeBound)
            {
                var tenant = await Connector.WorkerServices.GetRequiredService<TenantRepository>().GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
                if (tenant?.Authorization is { NeedsAuthorization: true } authorization)
                {
                    Note($"tenant {tenantId} waits for authorization ({authorization.System}): {authorization.Reason}");
                }

                return null;
            }

            await RerunAsync(tenantId, cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A run started only to converge (counted in <see cref="Reruns"/> too).</summary>
    public async Task<SyncRunSummary?> RerunAsync(string tenantId, CancellationToken cancellationToken)
    {
        Reruns++;
        return await RunOnceAsync(tenantId, cancellationToken).ConfigureAwait(false);
    }

    public Reconciliation Reconcile(string tenantId) => Reconciliation.Of(Control, tenantId, tenantId);

    /// <summary>Adds the Zendesk client's retry counter of the current worker (before a restart drops it).</summary>
    public void CollectWorkerCounters()
    {
        var metrics = Connector.WorkerServices.GetService<ZendeskClientMetrics>();
        if (metrics is not null)
        {
            var snapshot = metrics.Snapshot();
            Interlocked.Exchange(ref zendeskRetries, Math.Max(Interlocked.Read(ref zendeskRetries), snapshot.Retries + retriesBeforeRestarts));
        }
    }

    private long retriesBeforeRestarts;

    /// <summary>Fault kind: sync worker restarts the harness made (counted once the new worker is up).</summary>
    public const string WorkerRestarts = "worker killed and restarted";

    /// <summary>Restarts the sync worker (keeping the retry counter of the old one).</summary>
    public async Task RestartWorkerAsync()
    {
        CollectWorkerCounters();
        retriesBeforeRestarts = Interlocked.Read(ref zendeskRetries);
        await Connector.Apps.RestartSyncWorkerAsync().ConfigureAwait(false);
        Injected(WorkerRestarts);
    }

    public long ZendeskRetries => Interlocked.Read(ref zendeskRetries);

    public ValueTask DisposeAsync() => Connector.DisposeAsync();
}
