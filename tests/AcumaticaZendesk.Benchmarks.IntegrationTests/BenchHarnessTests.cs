using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Benchmarks.IntegrationTests;

public sealed class BenchHarnessTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_tiny_run_loads_everything_writes_nothing_when_unchanged_and_writes_the_results_json()
    {
        var output = Path.Combine(Path.GetTempPath(), "bench-smoke-" + Guid.NewGuid().ToString("N"), "results.json");
        var options = BenchOptions.Parse([
            "--customers", "12", "--vendors", "4", "--customer-vendors", "2", "--contacts-per-account", "2", "--employees", "3",
            "--page-size", "10", "--changed-percent", "10", "--rate-limit", "7000", "--skip-memory", "--output", output,
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

        // Phase 1b: the same load on a fresh account at the plan's limit with production timings.
        var plan = Assert.IsType<PlanLimitRun>(results.PlanLimit);
        Assert.Equal((700, 1.0), (plan.RateLimitPerMinute, plan.TimeScale));
        Assert.Equal((19, 39, 0), (plan.Run.OrganizationsInZendesk, plan.Run.UsersInZendesk, plan.Run.Failed));
        Assert.Empty(plan.Run.QueuedFailures);
        Assert.Equal(results.Bound.Requests, plan.Bound.Requests);
        Assert.Equal(plan.Bound.Seconds / plan.Run.Measurement.EffectiveSeconds, plan.Efficiency, 6);
        Assert.True(plan.Run.Measurement.EffectiveSeconds >= plan.Run.Measurement.ZendeskRequests * 60.0 / 700, "charged at least its requests at the limit");

        Assert.True(results.InitialLoadOnboardingSearches > 0, "adopt on an empty account reads the account (organizations and users listed once)");
        var whatIf = Assert.IsType<EngineRun>(results.WhatIfNoOnboardingSearch);
        Assert.Equal((19, 39, 0), (whatIf.OrganizationsInZendesk, whatIf.UsersInZendesk, whatIf.Failed));
        Assert.Equal(0, whatIf.Measurement.OnboardingSearches);
        Assert.Equal(results.InitialLoad.Measurement.ZendeskWrites, whatIf.Measurement.ZendeskWrites);

        Assert.Equal(0, results.UnchangedRunZendeskWrites);
        Assert.All(results.UnchangedRun.Kinds, k => Assert.Equal((0, 0), (k.Created, k.Updated)));

        Assert.True(results.ChangedRun.ChangedOrganizations > 0 && results.ChangedRun.ChangedUsers > 0);
        Assert.Equal(results.ChangedRun.ChangedOrganizations, results.ChangedRun.Run.Kinds.Where(k => k.Kind is Sync.Ports.EntityKind.Customer).Sum(k => k.Updated));
        Assert.Equal(results.ChangedRun.ChangedUsers, results.ChangedRun.Run.Kinds.Sum(k => k.Updated) - results.ChangedRun.Run.Kinds.Where(k => k.Kind is Sync.Ports.EntityKind.Customer or Sync.Ports.EntityKind.Vendor).Sum(k => k.Updated));
        Assert.Equal(results.ChangedRun.ExpectedWriteCalls, results.ChangedRun.Run.Measurement.ZendeskWrites);

        Assert.NotNull(results.Naive);
        Assert.Equal(0, results.Naive.Totals.Failed);
        Assert.Equal(results.Dataset.Users, results.Naive.Totals.Users);
        Assert.True(results.Naive.Measurement.ZendeskRequestsByEndpoint["users.create_or_update"] == results.Dataset.Users);
        Assert.NotNull(results.SpeedUpOverNaive);

        var json = JsonNode.Parse(await File.ReadAllTextAsync(output, _ct))!.AsObject();
        foreach (var field in new[] { "machine", "options", "rateLimitPerMinute", "dataset", "initialLoad", "bound", "efficiency", "planLimit", "initialLoadOnboardingSearches", "whatIfNoOnboardingSearch", "naive", "speedUpOverNaive", "unchangedRun", "unchangedRunZendeskWrites", "changedRun", "memory" })
            Assert.True(json.ContainsKey(field), $"results.json lacks '{field}'");
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
    public void Bad_options_are_refused_with_the_option_named(string[] args, string message)
    {
        var ex = Assert.Throws<BenchUsageException>(() => BenchOptions.Parse(args));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void The_small_memory_dataset_is_the_large_one_divided()
    {
        var small = BenchOptions.Parse(["--customers", "500", "--vendors", "100", "--customer-vendors", "40", "--employees", "20"]).Scaled(10);

        Assert.Equal((50, 10, 4, 2, 2), (small.Customers, small.Vendors, small.CustomerVendors, small.Employees, small.ContactsPerAccount));
    }
}
