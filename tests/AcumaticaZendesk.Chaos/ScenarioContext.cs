using System.Diagnostics;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Workflows;
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
    private long zendeskRetries;

    public SandboxedConnector Connector { get; } = connector;

    public SandboxControl Control => Connector.Control;

    public int Runs { get; private set; }

    public IReadOnlyList<string> Notes => notes;

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

    /// <summary>Changes a scenario checked itself that did not land in Zendesk.</summary>
    public int ExtraStale { get; private set; }

    public void AddStale(int count) => ExtraStale += count;

    private readonly Dictionary<string, int> injected = new(StringComparer.Ordinal);

    /// <summary>Runs "run now" and waits for it; returns the run's summary (null when the workflow itself did not complete).</summary>
    /// <summary>Starts a "run now" without waiting (counted in <see cref="Runs"/>).</summary>
    public Task<string> StartRunAsync(string tenantId, CancellationToken cancellationToken)
    {
        Runs++;
        return Connector.StartRunAsync(tenantId, cancellationToken);
    }

    /// <summary>Counts a run started some other way (the cron binding).</summary>
    public void CountRun() => Runs++;

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
            var p = summary.Progress;
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

            await RunOnceAsync(tenantId, cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
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

    /// <summary>Restarts the sync worker (keeping the retry counter of the old one).</summary>
    public async Task RestartWorkerAsync()
    {
        CollectWorkerCounters();
        retriesBeforeRestarts = Interlocked.Read(ref zendeskRetries);
        await Connector.Apps.RestartSyncWorkerAsync().ConfigureAwait(false);
    }

    public long ZendeskRetries => Interlocked.Read(ref zendeskRetries);

    public ValueTask DisposeAsync() => Connector.DisposeAsync();
}
