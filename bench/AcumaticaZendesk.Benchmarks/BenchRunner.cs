using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Benchmarks.Tickets;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>
/// The whole benchmark: initial load with the real engine, the naive strategy on a fresh account, the two
/// steady-state runs, and the memory children. Every phase is measured with <see cref="PhaseMeter"/>.
/// </summary>
internal sealed class BenchRunner(BenchOptions options, TextWriter progress)
{
    private const string EngineTenant = "bench";
    private const string NaiveTenant = "naive";
    private const string WhatIfTenant = "whatif";
    private const string WarmUpTenant = "warmup";

    /// <summary>
    /// Loads before the measured one until a load (and the pause after it) compiles fewer than
    /// <see cref="SettledCompilations"/> methods. Tiered compilation counts a method's calls only once no method was
    /// compiled for 100 ms (the runtime's call-counting delay), then compiles the hot ones again in the background, with
    /// tiered PGO twice (instrumented, then optimised): one short warm-up load ended before any of that, and the measured
    /// load ran on unoptimised code (run 1's scaled efficiency 0.42-0.52; 0.77 with tiered compilation off, and in later
    /// runs). Each pause lets the delay pass and the promoted methods compile.
    /// </summary>
    private const int MaxWarmUpRounds = 12;

    private const int SettledCompilations = 100;

    private static readonly TimeSpan TieringPause = TimeSpan.FromMilliseconds(250);
    private const string PlanTenant = "plan";
    private const string HighVolumeTenant = "highvolume";
    private const string PlanLargeTenant = "planlarge";

    /// <summary>
    /// <see cref="BenchOptions.EffectiveRuns"/> runs, each on a fresh sandbox; the result has the first run's details and
    /// every headline figure as its median over the runs (<see cref="RunSummary"/>). Every run is cross-checked.
    /// </summary>
    public async Task<BenchResults> RunAsync(CancellationToken cancellationToken)
    {
        var runs = new List<BenchResults>();
        var problems = new List<string>();
        for (var i = 1; i <= options.EffectiveRuns; i++)
        {
            progress.WriteLine($"== run {i} of {options.EffectiveRuns} ==");
            var run = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            if (i > 1)
                problems.AddRange(CrossChecks.Of(run).Select(p => $"run {i}: {p}"));
            runs.Add(run);
        }

        var combined = TicketsFigures.Fold(RunSummary.Combine(runs), runs) with { OtherRunProblems = problems };
        if (options.SkipTenants)
            return combined;
        progress.WriteLine($"== many tenants ({options.EffectiveTenants}) ==");
        var tenants = new Tenants.TenantsPhase(options.EffectiveTenants, options.TenantActivityLimit, progress);
        return combined with { Tenants = await tenants.RunAsync(cancellationToken).ConfigureAwait(false) };
    }

    private async Task<BenchResults> RunOnceAsync(CancellationToken cancellationToken)
    {
        var machine = Machine();
        await using var sandbox = await BenchSandbox.StartAsync(cancellationToken).ConfigureAwait(false);
        // The connector of a phase run at this phase's time scale: state calls wait the state latency scaled by it, like every other wait.
        ConnectorServices Connector(BenchOptions phase, bool whatIfNoOnboardingSearch = false) => new(
            phase.EffectiveTimeScale,
            whatIfNoOnboardingSearch,
            workerSettings: options.WorkerSettings(),
            stateLatency: options.StateLatency / phase.EffectiveTimeScale);

        await using var connector = Connector(options);
        var log = sandbox.Control.Requests;

        // A tenant of the seeded sandbox account of that name, as the connector sees it.
        Task<TenantConfig> AddTenantAsync(ConnectorServices services, string tenantId) => services.AddTenantAsync(
            tenantId, sandbox.Host.AcumaticaUrl(tenantId), sandbox.Host.ZendeskUrl(tenantId), options.Onboarding, cancellationToken);

        var dataset = sandbox.Seed(EngineTenant, options);
        var tenant = await AddTenantAsync(connector, EngineTenant).ConfigureAwait(false);
        progress.WriteLine(
            $"dataset: {dataset.Organizations} organizations, {dataset.Users} users; rate limit {options.RateLimit}/min; time scale "
                + $"{options.EffectiveTimeScale}");

        // A long-running worker has JIT-compiled the engine, adapters and clients (and optimised the hot paths again) and
        // opened its connections long before a tenant's first load; loads on accounts of their own get this process there.
        progress.WriteLine("warm-up: loads of the dataset, each on its own account, until the JIT settles (not measured) ...");
        var warmUp = new WarmUpResult(0, 0, SettledCompilations);
        for (var round = 1; round <= MaxWarmUpRounds && !warmUp.Settled; round++)
        {
            var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            var warmUpId = $"{WarmUpTenant}{round}";
            sandbox.Seed(warmUpId, options);
            var warmUpTenant = await AddTenantAsync(connector, warmUpId).ConfigureAwait(false);
            await EngineLoad.RunAsync(connector.Engine, warmUpTenant.Id, "warmup", options.PageSize, options.PagesPerCall, cancellationToken)
                .ConfigureAwait(false);
            await Task.Delay(TieringPause, cancellationToken).ConfigureAwait(false);
            warmUp = new WarmUpResult(round, System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore, SettledCompilations);
            progress.WriteLine($"  warm-up {round}: {warmUp.LastRoundCompiled} methods compiled");
        }

        progress.WriteLine("initial load (real engine, adapters, clients) ...");
        var initialStart = DateTimeOffset.UtcNow;
        var initial = await EngineRunAsync(sandbox, connector, tenant, "initial", cancellationToken).ConfigureAwait(false);
        if (options.Timeline)
            PrintTimeline(sandbox, initialStart);
        var bound = new Bound(dataset.Organizations, dataset.Users, 100, options.RateLimit);
        var boundResult = Result(bound);
        var efficiency = bound.Seconds / initial.Measurement.EffectiveSeconds;

        // A fresh account loaded at a limit with production timings (every wait real, so the engine's CPU time, not scaled
        // in the run above, weighs what it weighs in production), the dataset times `scale`.
        async Task<(DatasetInfo Dataset, EngineRun Run, Bound Bound)> ProductionTimingsLoadAsync(string tenantId, int rateLimit, int scale, string what)
        {
            var phase = options.Times(scale) with { RateLimit = rateLimit, TimeScale = 1 };
            var size = scale > 1 ? $", {scale}x the dataset" : "";
            progress.WriteLine($"initial load {what} ({rateLimit}/min, production timings{size}) on a fresh account ...");
            var seeded = sandbox.Seed(tenantId, phase);
            await using var phaseConnector = Connector(phase);
            var phaseTenant = await AddTenantAsync(phaseConnector, tenantId).ConfigureAwait(false);
            var start = DateTimeOffset.UtcNow;
            var run = await EngineRunAsync(sandbox, phaseConnector, phaseTenant, "initial", cancellationToken, rateLimit).ConfigureAwait(false);
            if (options.Timeline)
                PrintTimeline(sandbox, start);
            return (seeded, run, new Bound(seeded.Organizations, seeded.Users, 100, rateLimit));
        }

        async Task<LargeTenantRun> LargeTenantAsync(string tenantId, int rateLimit, string what)
        {
            var (largeDataset, largeRun, largeBound) = await ProductionTimingsLoadAsync(tenantId, rateLimit, options.EffectiveHighVolumeScale, what)
                .ConfigureAwait(false);
            return new LargeTenantRun(
                rateLimit, largeDataset.Records, largeBound.Seconds / largeRun.Measurement.EffectiveSeconds, largeDataset, largeRun, Result(largeBound));
        }

        PlanLimitRun? planLimit = null;
        if (!options.SkipPlanLimit)
        {
            var (_, planRun, planBound) = await ProductionTimingsLoadAsync(PlanTenant, options.PlanRateLimit, 1, "at the plan's limit").ConfigureAwait(false);
            planLimit = new PlanLimitRun(options.PlanRateLimit, 1, planRun, Result(planBound), planBound.Seconds / planRun.Measurement.EffectiveSeconds);
        }

        // At the High Volume add-on's limit requests are cheap, so bulk-job latency (jobs in flight, status reads) decides
        // whether the load keeps up with the limit; at the plan's own limit the same tenant is request-bound.
        var highVolume = options.SkipHighVolume
            ? null
            : await LargeTenantAsync(HighVolumeTenant, options.HighVolumeRateLimit, "at the High Volume limit").ConfigureAwait(false);
        var planLimitLarge = options.RunsLargePlanLimit
            ? await LargeTenantAsync(PlanLargeTenant, options.PlanRateLimit, "of the larger tenant at the plan's limit").ConfigureAwait(false)
            : null;

        EngineRun? whatIf = null;
        if (!options.SkipWhatIf)
        {
            progress.WriteLine("what-if: initial load without the per-record onboarding searches, on a fresh account ...");
            sandbox.Seed(WhatIfTenant, options);
            await using var whatIfConnector = Connector(options, whatIfNoOnboardingSearch: true);
            var whatIfTenant = await AddTenantAsync(whatIfConnector, WhatIfTenant).ConfigureAwait(false);
            whatIf = await EngineRunAsync(sandbox, whatIfConnector, whatIfTenant, "initial", cancellationToken).ConfigureAwait(false);
        }

        NaiveRun? naive = null;
        if (!options.SkipNaive)
        {
            progress.WriteLine("naive load (one lookup + one write per record) on a fresh account ...");
            sandbox.Seed(NaiveTenant, options);
            var naiveTenant = await AddTenantAsync(connector, NaiveTenant).ConfigureAwait(false);
            var meter = PhaseMeter.Start(connector, log);
            var totals = await new NaiveLoad(connector.Provider).RunAsync(naiveTenant, options.PageSize, cancellationToken).ConfigureAwait(false);
            var measurement = meter.Stop(options.RateLimit);
            var (naiveOrganizations, naiveUsers) = sandbox.LinkedCounts(naiveTenant.Zendesk.Subdomain);
            naive = new NaiveRun(measurement, totals, naiveOrganizations, naiveUsers);
        }

        progress.WriteLine("steady state: unchanged run ...");
        var unchanged = await EngineRunAsync(sandbox, connector, tenant, "unchanged", cancellationToken).ConfigureAwait(false);

        progress.WriteLine($"steady state: {options.ChangedFraction:P0} of records changed ...");
        var (changedOrganizations, changedUsers) = ChangeRecords(sandbox, dataset);
        var changedRun = await EngineRunAsync(sandbox, connector, tenant, "changed", cancellationToken).ConfigureAwait(false);
        var expectedWrites = Ceiling(changedOrganizations) + Ceiling(changedUsers);
        var changed = new ChangedRun(changedOrganizations, changedUsers, expectedWrites, changedRun);

        var memory = new List<MemoryRun>();
        if (!options.SkipMemory)
        {
            foreach (var (name, size) in new[] { ("memsmall", options.Scaled(options.MemoryScaleDivisor)), ("memlarge", options) })
            {
                progress.WriteLine($"memory: child process loading {name} ...");
                var trace = name == "memlarge" && options.ProfileDirectory is { } folder ? Path.Combine(folder, $"{name}.nettrace") : null;
                memory.Add(await MemoryProbe.MeasureAsync(sandbox, name, size, cancellationToken, trace).ConfigureAwait(false));
            }
        }

        var tickets = options.SkipTickets
            ? null
            : await new TicketsPhase(options.EffectiveTickets, options.TicketRate, progress).RunAsync(cancellationToken).ConfigureAwait(false);

        return new BenchResults(
            machine,
            options,
            options.RateLimit,
            dataset,
            initial,
            boundResult,
            efficiency,
            planLimit,
            initial.Measurement.OnboardingSearches,
            whatIf,
            whatIf is null ? null : bound.Seconds / whatIf.Measurement.EffectiveSeconds,
            naive,
            naive is null ? null : naive.Measurement.EffectiveSeconds / initial.Measurement.EffectiveSeconds,
            unchanged,
            unchanged.Measurement.ZendeskWrites,
            changed,
            memory,
            memory.Count == 2 ? memory[1].PeakWorkingSetMb / memory[0].PeakWorkingSetMb : null,
            memory.Count == 2 ? (double)memory[1].Records / memory[0].Records : null)
        {
            WarmUp = warmUp,
            HighVolume = highVolume,
            PlanLimitLarge = planLimitLarge,
            CpuByStage = options.ProfileDirectory is { } profiled && memory.Count == 2
                ? ProfileStages.Read(Path.Combine(profiled, "memlarge.speedscope.json"), memory[1].CpuSeconds, memory[1].Records)
                : null,
            Tickets = tickets,
            // The marginal CPU of the records between the two children: start-up and JIT, paid by both, cancel out.
            CpuMsPer1000Records = memory.Count == 2 && memory[1].Records > memory[0].Records
                ? (memory[1].CpuSeconds - memory[0].CpuSeconds) * 1000 / (memory[1].Records - memory[0].Records) * 1000
                : null,
        };
    }

    /// <summary>The sandbox's requests since <paramref name="start"/>, in the order they were answered, with ms from the start.</summary>
    private void PrintTimeline(BenchSandbox sandbox, DateTimeOffset start)
    {
        progress.WriteLine("timeline of the initial load (ms from its start, when the sandbox answered):");
        foreach (var r in sandbox.Control.Requests.Recent(20_000).Where(r => r.At >= start && r.System != "control").OrderBy(r => r.At))
        {
            var path = r.Path.Length > 90 ? r.Path[..90] + "…" : r.Path;
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(r.At - start).TotalMilliseconds,8:F1}  {r.Status}  {r.Method,-6} {path}"));
        }
    }

    private static int Ceiling(int records) => (records + 99) / 100;

    private static BoundResult Result(Bound bound) => new(Bound.Formula, bound.Lookups, bound.Writes, bound.Polls, bound.Requests, bound.Seconds);

    private async Task<EngineRun> EngineRunAsync(
        BenchSandbox sandbox,
        ConnectorServices connector,
        TenantConfig tenant,
        string runId,
        CancellationToken cancellationToken,
        int? rateLimit = null)
    {
        var meter = PhaseMeter.Start(connector, sandbox.Control.Requests);
        var kinds = await EngineLoad.RunAsync(connector.Engine, tenant.Id, runId, options.PageSize, options.PagesPerCall, cancellationToken)
            .ConfigureAwait(false);
        var measurement = meter.Stop(rateLimit ?? options.RateLimit);
        var (organizations, users) = sandbox.LinkedCounts(tenant.Zendesk.Subdomain);
        var queued = (await connector.Provider.GetRequiredService<FailedRecordQueue>().ListAsync(tenant.Id, cancellationToken).ConfigureAwait(false))
            .GroupBy(f => $"{f.Kind} {f.Error.Code}", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new EngineRun(runId, measurement, kinds, organizations, users, queued);
    }

    /// <summary>
    /// Changes <see cref="BenchOptions.ChangedFraction"/> of the business accounts (renamed; an account that is
    /// both customer and vendor is one organization) and of the contacts (new phone number).
    /// </summary>
    private (int Organizations, int Users) ChangeRecords(BenchSandbox sandbox, DatasetInfo dataset)
    {
        var control = sandbox.Control;
        var accountIds = control.AcumaticaRecords(EngineTenant, "Customer").Select(c => c!["CustomerID"]!["value"]!.GetValue<string>()).ToArray();
        var organizations = Math.Max(1, (int)Math.Round(dataset.Organizations * options.ChangedFraction));
        foreach (var id in accountIds.Where((_, i) => i % Math.Max(1, accountIds.Length / organizations) == 0).Take(organizations))
            control.RenameAccount(EngineTenant, id, $"Renamed {id} Ltd");

        var contactIds = control.AcumaticaRecords(EngineTenant, "Contact").Select(c => c!["ContactID"]!["value"]!.ToString()).ToArray();
        var users = Math.Min(contactIds.Length, Math.Max(1, (int)Math.Round(dataset.Users * options.ChangedFraction)));
        var changedUsers = 0;
        foreach (var id in contactIds.Where((_, i) => i % Math.Max(1, contactIds.Length / Math.Max(1, users)) == 0).Take(users))
        {
            if (control.ModifyRecord(
                EngineTenant,
                "Contact",
                id,
                new JsonObject { ["Phone1"] = "+1 (555) 010-" + (1000 + changedUsers).ToString(CultureInfo.InvariantCulture) }))
                changedUsers++;
        }

        return (Math.Min(organizations, accountIds.Length), changedUsers);
    }

    private static MachineInfo Machine()
    {
        var memoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return new MachineInfo(
            Environment.ProcessorCount,
            Math.Round(memoryBytes / 1073741824.0, 1),
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
    }
}
