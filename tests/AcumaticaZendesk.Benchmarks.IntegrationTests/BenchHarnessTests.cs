using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Benchmarks.IntegrationTests;

public sealed class BenchHarnessTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_tiny_runs_load_everything_write_nothing_when_unchanged_and_the_results_json_has_every_figure_as_the_median_of_the_runs()
    {
        var output = Path.Combine(Path.GetTempPath(), "bench-smoke-" + Guid.NewGuid().ToString("N"), "results.json");
        var options = BenchOptions.Parse([
            "--customers", "12", "--vendors", "4", "--customer-vendors", "2", "--contacts-per-account", "2", "--employees", "3",
            "--page-size", "10", "--changed-percent", "10", "--rate-limit", "7000", "--skip-memory", "--output", output,
            "--runs", "2", "--high-volume-scale", "2", "--tickets", "6", "--skip-tenants",
        ]);

        var results = await new BenchRunner(options, TextWriter.Null).RunAsync(_ct);
        await Report.WriteJsonAsync(results, output, _ct);

        // 18 business accounts (12 + 4 + 2 that are both) + the company's own organization; 36 contacts + 3 employees.
        Assert.Equal((19, 39), (results.Dataset.Organizations, results.Dataset.Users));
        Assert.Equal(0, results.InitialLoad.Failed);
        Assert.Equal((19, 39), (results.InitialLoad.OrganizationsInZendesk, results.InitialLoad.UsersInZendesk));
        Assert.True(results.InitialLoad.Kinds.Single(k => k.Kind == Sync.Ports.EntityKind.Customer).Pages > 1, "page size 10 must take several pages");
        Assert.True(results.InitialLoad.Measurement.ZendeskRequestsByEndpoint.ContainsKey("organizations.create_many"));
        Assert.True(results.InitialLoad.Measurement.AcumaticaRequests > 0);

        // The warm-up ran whole loads until the JIT settled, or its most rounds (it never stops after an unsettled round below them).
        var warmUp = Assert.IsType<WarmUpResult>(results.WarmUp);
        Assert.InRange(warmUp.Rounds, 1, 12);
        Assert.True(warmUp.Settled || warmUp.Rounds == 12, $"{warmUp.Rounds} rounds, last {warmUp.LastRoundCompiled} methods");

        // Phase 1b: the same load on a fresh account at the plan's limit with production timings.
        var plan = Assert.IsType<PlanLimitRun>(results.PlanLimit);
        Assert.Equal((700, 1.0), (plan.RateLimitPerMinute, plan.TimeScale));
        Assert.Equal((19, 39, 0), (plan.Run.OrganizationsInZendesk, plan.Run.UsersInZendesk, plan.Run.Failed));
        Assert.Empty(plan.Run.QueuedFailures);
        // The bound worked out by hand for 19 organizations and 39 users: one lookup, one bulk write and one status read
        // per phase (each under 100 records) = 6 requests, at 7,000/min (scaled run) and 700/min (plan run).
        Assert.Equal((2, 2, 2, 6), (results.Bound.Lookups, results.Bound.Writes, results.Bound.Polls, results.Bound.Requests));
        Assert.Equal(6 * 60.0 / 7000, results.Bound.Seconds, 6);
        Assert.Equal(6, plan.Bound.Requests);
        Assert.Equal(6 * 60.0 / 700, plan.Bound.Seconds, 6);

        // The bound is a lower bound: no real run uses fewer requests, so no efficiency is above 1.
        Assert.True(
            plan.Run.Measurement.ZendeskRequests >= plan.Bound.Requests,
            $"{plan.Run.Measurement.ZendeskRequests} requests < bound {plan.Bound.Requests}");
        Assert.InRange(plan.Efficiency, 0.01, 1.0);
        Assert.InRange(results.Efficiency, 0.001, 1.0);

        // Each phase is charged its requests at its own limit (700 for the plan run, 7,000 for the scaled one).
        Assert.Equal(plan.Run.Measurement.ZendeskRequests * 60.0 / 700, plan.Run.Measurement.RequestsAtLimitSeconds, 6);
        Assert.Equal(results.InitialLoad.Measurement.ZendeskRequests * 60.0 / 7000, results.InitialLoad.Measurement.RequestsAtLimitSeconds, 6);

        // The connector's request counter agrees with the sandbox's own log in every phase; no phase lost or doubled a record.
        Assert.Equal(results.InitialLoad.Measurement.SandboxZendeskApiRequests, results.InitialLoad.Measurement.ZendeskRequests);
        Assert.Empty(CrossChecks.Of(results));

        Assert.True(results.InitialLoadOnboardingSearches > 0, "adopt on an empty account reads the account (organizations and users listed once)");
        var whatIf = Assert.IsType<EngineRun>(results.WhatIfNoOnboardingSearch);
        Assert.Equal((19, 39, 0), (whatIf.OrganizationsInZendesk, whatIf.UsersInZendesk, whatIf.Failed));
        Assert.Equal(0, whatIf.Measurement.OnboardingSearches);
        Assert.Equal(results.InitialLoad.Measurement.ZendeskWrites, whatIf.Measurement.ZendeskWrites);

        Assert.Equal(0, results.UnchangedRunZendeskWrites);
        Assert.All(results.UnchangedRun.Kinds, k => Assert.Equal((0, 0), (k.Created, k.Updated)));

        Assert.True(results.ChangedRun.ChangedOrganizations > 0 && results.ChangedRun.ChangedUsers > 0);
        Assert.Equal(
            results.ChangedRun.ChangedOrganizations,
            results.ChangedRun.Run.Kinds.Where(k => k.Kind is Sync.Ports.EntityKind.Customer).Sum(k => k.Updated));
        Assert.Equal(
            results.ChangedRun.ChangedUsers,
            results.ChangedRun.Run.Kinds.Sum(k =>
                k.Updated) - results.ChangedRun.Run.Kinds.Where(k => k.Kind is Sync.Ports.EntityKind.Customer or Sync.Ports.EntityKind.Vendor)
                    .Sum(k => k.Updated));
        Assert.Equal(results.ChangedRun.ExpectedWriteCalls, results.ChangedRun.Run.Measurement.ZendeskWrites);

        Assert.NotNull(results.Naive);
        Assert.Equal(0, results.Naive.Totals.Failed);
        Assert.Equal(results.Dataset.Users, results.Naive.Totals.Users);
        Assert.True(results.Naive.Measurement.ZendeskRequestsByEndpoint["users.create_or_update"] == results.Dataset.Users);

        // The speed-up is naive time over engine time (not the other way round, not another phase's), and the naive
        // strategy made at least one lookup and one write per record, far more than the engine.
        var speedUp = Assert.IsType<double>(results.SpeedUpOverNaive);
        Assert.Equal(results.Naive.Measurement.EffectiveSeconds / results.InitialLoad.Measurement.EffectiveSeconds, results.PerRun[0].SpeedUpScaled!.Value, 6);
        // Its size is a benchmark figure (docs/benchmark.md), not a test: a busy machine slows the tiny engine run more
        // than the naive one. That the engine needs far fewer requests is asserted below.
        Assert.True(speedUp > 0, $"speed-up {speedUp}");
        Assert.True(results.Naive.Measurement.ZendeskRequests >= 2 * (results.Dataset.Organizations + results.Dataset.Users) - 2);
        Assert.True(results.Naive.Measurement.ZendeskRequests > 3 * results.InitialLoad.Measurement.ZendeskRequests);

        // Two runs: each headline figure is the median (here the mean of the two) of the runs' own figures.
        Assert.Equal(2, results.Runs);
        Assert.Equal([1, 2], results.PerRun.Select(f => f.Run));
        Assert.Equal((results.PerRun[0].Efficiency + results.PerRun[1].Efficiency) / 2, results.Efficiency, 9);
        Assert.Equal(results.PerRun.Min(f => f.Efficiency), results.Spreads["efficiency"].Min, 9);
        Assert.Equal(results.PerRun.Max(f => f.Efficiency), results.Spreads["efficiency"].Max, 9);
        Assert.Equal((results.PerRun[0].SpeedUpScaled!.Value + results.PerRun[1].SpeedUpScaled!.Value) / 2, speedUp, 9);
        Assert.Equal(speedUp, results.SpeedUp!.ScaledMedian!.Value, 9);
        Assert.Equal((results.PerRun[0].PlanLimitEfficiency!.Value + results.PerRun[1].PlanLimitEfficiency!.Value) / 2, plan.Efficiency, 9);
        // At production timings naive is request-bound: its requests at the plan's limit over the plan run's effective time.
        Assert.Equal(
            results.Naive.Measurement.ZendeskRequests * 60.0 / 700 / plan.Run.Measurement.EffectiveSeconds,
            results.PerRun[0].SpeedUpProductionTimings!.Value,
            9);
        Assert.Equal(results.Spreads["speedUpProductionTimings"].Median, results.SpeedUp.ProductionTimings!.Value, 9);

        // The High Volume load: 2,500/min, production timings, the dataset times two, every record in Zendesk.
        var high = Assert.IsType<LargeTenantRun>(results.HighVolume);
        Assert.Equal((2500, 2 * 18 + 1 + 2 * 39), (high.RateLimitPerMinute, high.Records));
        Assert.Equal((high.Dataset.Organizations, high.Dataset.Users, 0), (high.Run.OrganizationsInZendesk, high.Run.UsersInZendesk, high.Run.Failed));
        Assert.Equal(high.Run.Measurement.ZendeskRequests * 60.0 / 2500, high.Run.Measurement.RequestsAtLimitSeconds, 6);
        Assert.Equal((results.PerRun[0].HighVolumeEfficiency!.Value + results.PerRun[1].HighVolumeEfficiency!.Value) / 2, high.Efficiency, 9);
        Assert.InRange(high.Efficiency, 0.001, 1.0);

        // The same larger tenant at the plan's limit (phase 1d): its own fresh account, every record in Zendesk.
        var large = Assert.IsType<LargeTenantRun>(results.PlanLimitLarge);
        Assert.Equal((700, high.Records), (large.RateLimitPerMinute, large.Records));
        Assert.Equal((large.Dataset.Organizations, large.Dataset.Users, 0), (large.Run.OrganizationsInZendesk, large.Run.UsersInZendesk, large.Run.Failed));
        Assert.Equal(large.Run.Measurement.ZendeskRequests * 60.0 / 700, large.Run.Measurement.RequestsAtLimitSeconds, 6);
        Assert.Equal((results.PerRun[0].PlanLimitLargeEfficiency!.Value + results.PerRun[1].PlanLimitLargeEfficiency!.Value) / 2, large.Efficiency, 9);
        Assert.InRange(large.Efficiency, 0.001, 1.0);

        var json = JsonNode.Parse(await File.ReadAllTextAsync(output, _ct))!.AsObject();
        foreach (var field in new[]
        {
            "machine",
            "options",
            "rateLimitPerMinute",
            "dataset",
            "initialLoad",
            "bound",
            "efficiency",
            "planLimit",
            "initialLoadOnboardingSearches",
            "whatIfNoOnboardingSearch",
            "naive",
            "speedUpOverNaive",
            "unchangedRun",
            "unchangedRunZendeskWrites",
            "changedRun",
            "memory",
            "highVolume",
            "speedUp",
            "cpuMsPer1000Records",
            "tickets",
            "runs",
            "spreads"
        })
            Assert.True(json.ContainsKey(field), $"results.json lacks '{field}'");
        foreach (var key in new[] { "highVolume", "planLimitLarge" })
        {
            foreach (var field in new[] { "rateLimitPerMinute", "records", "efficiency" })
                Assert.True(json[key]!.AsObject().ContainsKey(field), $"results.json lacks '{key}.{field}'");
        }
        foreach (var field in new[] { "scaledMedian", "productionTimings" })
            Assert.True(json["speedUp"]!.AsObject().ContainsKey(field), $"results.json lacks 'speedUp.{field}'");
        Assert.Equal(results.Efficiency, json["spreads"]!["efficiency"]!["median"]!.GetValue<double>(), 9);
        foreach (var field in new[] { "p50Ms", "p95Ms" })
            Assert.True(json["tickets"]!.AsObject().ContainsKey(field), $"results.json lacks 'tickets.{field}'");
        Assert.Equal(results.Spreads["ticketsP95Ms"].Median, json["tickets"]!["p95Ms"]!.GetValue<double>(), 9);
        Assert.Equal(0, json["unchangedRunZendeskWrites"]!.GetValue<long>());
        Assert.Equal(results.Bound.Requests, json["bound"]!["requests"]!.GetValue<int>());
        Assert.NotNull(json["initialLoad"]!["measurement"]!["zendeskRequestsByEndpoint"]);
        Assert.Contains("Steady state", Report.Table(results), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_memory_child_loads_the_parents_sandbox_tenant_in_its_own_process_and_reports_its_peak()
    {
        var options = BenchOptions.Parse(["--customers", "6", "--vendors", "2", "--customer-vendors", "1", "--employees", "2", "--page-size", "10"]);
        await using var sandbox = await BenchSandbox.StartAsync(_ct);

        var run = await MemoryProbe.MeasureAsync(sandbox, "memtest", options, _ct);

        Assert.Equal((10, 20), (run.Organizations, run.Users)); // 9 accounts + own organization; 18 contacts + 2 employees
        Assert.Equal((10, 20), sandbox.LinkedCounts("memtest")); // the child really loaded the parent's account
        Assert.True(run.PeakWorkingSetMb > 10, $"peak working set {run.PeakWorkingSetMb} MB");
        Assert.True(run.PeakWorkingSetMb >= run.ManagedHeapAfterLoadMb);
        Assert.True(run.CpuSeconds > 0, $"CPU {run.CpuSeconds} s"); // the child's own CPU during its load
    }

    [Fact]
    public async Task Cross_checks_report_a_request_count_the_sandbox_disagrees_with_and_a_phase_that_lost_or_doubled_records()
    {
        var options = BenchOptions.Parse([
            "--customers", "6", "--vendors", "2", "--customer-vendors", "1", "--contacts-per-account", "1", "--employees", "2",
            "--page-size", "10", "--rate-limit", "7000", "--skip-memory", "--skip-plan-limit", "--skip-what-if", "--skip-naive", "--skip-tickets",
            "--skip-tenants",
        ]);
        var results = await new BenchRunner(options, TextWriter.Null).RunAsync(_ct);
        Assert.Empty(CrossChecks.Of(results));

        var initial = results.InitialLoad;
        var miscounted = results with
        {
            InitialLoad = initial with { Measurement = initial.Measurement with { SandboxZendeskApiRequests = initial.Measurement.ZendeskRequests + 1 } }
        };
        var lost = results with { UnchangedRun = results.UnchangedRun with { UsersInZendesk = results.Dataset.Users - 1 } };
        var doubled = results with
        {
            ChangedRun = results.ChangedRun with { Run = results.ChangedRun.Run with { OrganizationsInZendesk = results.Dataset.Organizations + 2 } }
        };

        Assert.Equal(
            [
                $"initial load: the connector counted {initial.Measurement.ZendeskRequests} Zendesk API requests, the sandbox answered "
                    + $"{initial.Measurement.ZendeskRequests + 1}"],
            CrossChecks.Of(miscounted));
        Assert.Equal([$"unchanged run: 1 users lost ({results.Dataset.Users - 1} of {results.Dataset.Users} in Zendesk)"], CrossChecks.Of(lost));
        Assert.Equal(
            [$"changed run: 2 organizations duplicated ({results.Dataset.Organizations + 2} in Zendesk for {results.Dataset.Organizations})"],
            CrossChecks.Of(doubled));
        var twice = results with { Tenants = new Tenants.TenantsRun(10, 0.1, 5, 50, 10_000, DuplicateRuns: 2, 1) };
        Assert.Equal(["many tenants: 2 duplicate runs (a tenant's slot ran more than one workflow)"], CrossChecks.Of(twice));
    }

    [Fact]
    public void The_bound_counts_a_lookup_and_a_bulk_write_per_hundred_records_and_job_statuses_read_a_hundred_at_a_time_per_phase()
    {
        var bound = new Bound(Organizations: 250, Users: 100, BatchSize: 100, RateLimitPerMinute: 600);

        Assert.Equal((4, 4, 2), (bound.Lookups, bound.Writes, bound.Polls)); // ceil(250/100) + ceil(100/100); one status read per phase
        Assert.Equal(10, bound.Requests);
        Assert.Equal(1.0, bound.Seconds, 6); // 10 requests at 10 per second

        var large = new Bound(Organizations: 15_000, Users: 100, BatchSize: 100, RateLimitPerMinute: 600);
        Assert.Equal(2 + 1, large.Polls); // 150 organization jobs need two status reads of at most 100 ids
    }

    [Theory]
    [InlineData(new[] { "--customers", "0" }, "--customers must be a whole number between 1 and 1000000 (was '0').")]
    [InlineData(new[] { "--rate-limit" }, "--rate-limit needs a value.")]
    [InlineData(new[] { "--onboarding", "merge" }, "--onboarding must be adopt, create-only or report-only (was 'merge').")]
    [InlineData(new[] { "--frobnicate" }, "Unknown option '--frobnicate'.")]
    [InlineData(new[] { "--plan-rate-limit", "5" }, "--plan-rate-limit must be a whole number between 10 and 1000000 (was '5').")]
    [InlineData(new[] { "--runs", "0" }, "--runs must be a whole number between 1 and 20 (was '0').")]
    [InlineData(new[] { "--max-bulk-jobs", "31" }, "--max-bulk-jobs must be a whole number between 1 and 30 (was '31').")]
    public void Bad_options_are_refused_with_the_option_named(string[] args, string message)
    {
        var ex = Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(args));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void A_spread_is_the_median_with_the_smallest_and_largest_value_and_an_even_count_takes_the_mean_of_the_middle_two()
    {
        Assert.Equal((2.0, 1.0, 5.0), Tuple(Spread.Of([5, 1, 2])));
        Assert.Equal((2.5, 1.0, 4.0), Tuple(Spread.Of([4, 1, 3, 2])));
        Assert.Equal((0.7, 0.7, 0.7), Tuple(Spread.Of([0.7])));
        Assert.Equal([5.0, 1, 2], Spread.Of([5, 1, 2]).Values); // in run order
        Assert.Throws<ArgumentException>(() => Spread.Of([]));

        static (double, double, double) Tuple(Spread s) => (s.Median, s.Min, s.Max);
    }

    [Fact]
    public void Three_runs_by_default_and_one_in_quick_mode_whose_High_Volume_load_takes_the_default_dataset()
    {
        var defaults = BenchOptions.Parse([]);
        var quick = BenchOptions.Parse(["--quick"]);

        Assert.Equal((3, 10, 2500), (defaults.EffectiveRuns, defaults.EffectiveHighVolumeScale, defaults.HighVolumeRateLimit));
        Assert.Equal((1, 1), (quick.EffectiveRuns, quick.EffectiveHighVolumeScale));
        Assert.Equal(5, BenchOptions.Parse(["--quick", "--runs", "5"]).EffectiveRuns);
        Assert.Equal((6000, 1500, 500, 500), (defaults.Times(10).Customers, defaults.Times(10).Vendors, defaults.Times(10).CustomerVendors,
            defaults.Times(10).Employees));
    }

    [Fact]
    public void The_small_memory_dataset_is_the_large_one_divided()
    {
        var small = BenchOptions.Parse(["--customers", "500", "--vendors", "100", "--customer-vendors", "40", "--employees", "20"]).Scaled(10);

        Assert.Equal((50, 10, 4, 2, 2), (small.Customers, small.Vendors, small.CustomerVendors, small.Employees, small.ContactsPerAccount));
    }
}
