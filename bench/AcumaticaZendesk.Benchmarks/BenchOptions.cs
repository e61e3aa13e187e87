using System.Globalization;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Sync.Throughput;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>Command-line options of <c>make bench</c> (all optional; defaults finish in a few minutes on 2 cores).</summary>
public sealed record BenchOptions
{
    /// <summary>Customer-only business accounts.</summary>
    public int Customers { get; init; } = 600;

    public int Vendors { get; init; } = 150;

    /// <summary>Business accounts that are both customer and vendor (one organization), on top of the two above.</summary>
    public int CustomerVendors { get; init; } = 50;

    public int ContactsPerAccount { get; init; } = 2;

    public int Employees { get; init; } = 50;

    /// <summary>Zendesk requests per minute the sandbox allows (Enterprise is 700; scaled up so the naive run finishes).</summary>
    public int RateLimit { get; init; } = 7_000;

    /// <summary>
    /// Time compression k: job durations in the sandbox and the client's job-poll intervals are divided by k, so that
    /// everything time-based scales with the rate limit. Default: rate limit ÷ 700 (Enterprise), i.e. the run is a
    /// k-times faster replay of a 700/min account; <c>--time-scale 1</c> keeps production timings.
    /// </summary>
    public double? TimeScale { get; init; }

    public double EffectiveTimeScale => TimeScale ?? Math.Max(1.0, RateLimit / (double)EnterpriseRateLimit);

    public const int EnterpriseRateLimit = 700;

    /// <summary>
    /// The plan's own limit for the production-timing load (<c>--plan-rate-limit</c>, default Enterprise 700/min): the
    /// engine's initial load is measured once more on a fresh account at this limit with time scale 1 — sandbox jobs
    /// and client polls at production durations — where no unscaled CPU time distorts bound ÷ actual.
    /// </summary>
    public int PlanRateLimit { get; init; } = EnterpriseRateLimit;

    public bool SkipPlanLimit { get; init; }

    /// <summary>Runs of every measured phase, each on a fresh sandbox; figures are their medians (default 3, 1 with <see cref="Quick"/>).</summary>
    public int? Runs { get; init; }

    public int EffectiveRuns => Runs ?? (Quick ? 1 : 3);

    /// <summary>One run, and the High Volume load on the default dataset instead of the larger tenant.</summary>
    public bool Quick { get; init; }

    /// <summary>The High Volume API add-on's limit (2,500/min), at which the larger tenant is loaded with production timings.</summary>
    public int HighVolumeRateLimit { get; init; } = 2_500;

    /// <summary>The High Volume load's tenant is the dataset times this (default 10, 1 with <see cref="Quick"/>).</summary>
    public int? HighVolumeScale { get; init; }

    public int EffectiveHighVolumeScale => HighVolumeScale ?? (Quick ? 1 : 10);

    public bool SkipHighVolume { get; init; }

    public bool SkipLargePlanLimit { get; init; }

    /// <summary>
    /// Phase 1d: the larger tenant also at the plan's limit. Not with <see cref="SkipPlanLimit"/>, and not when the larger
    /// tenant is the dataset itself (<see cref="Quick"/>): that load is phase 1b's.
    /// </summary>
    public bool RunsLargePlanLimit => !SkipLargePlanLimit && !SkipPlanLimit && EffectiveHighVolumeScale > 1;

    /// <summary>The worker's <c>Sync:Throughput:MaxConcurrentBulkJobs</c> for every load (null = its default).</summary>
    public int? MaxBulkJobs { get; init; }

    /// <summary>Each state-store call of the connector waits this long first (a Dapr sidecar round trip; 0 = in-memory speed).</summary>
    public double StateLatencyMs { get; init; } = 2;

    public TimeSpan StateLatency => TimeSpan.FromMilliseconds(StateLatencyMs);

    /// <summary>The worker's <c>Sync:Throughput:PipelineDepth</c> for every load (null = its default).</summary>
    public int? PipelineDepth { get; init; }

    /// <summary>The worker settings every load runs with that differ from the worker's defaults.</summary>
    public IReadOnlyDictionary<string, string?> WorkerSettings()
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (MaxBulkJobs is { } jobs)
            settings["Sync:Throughput:MaxConcurrentBulkJobs"] = jobs.ToString(CultureInfo.InvariantCulture);
        if (PipelineDepth is { } depth)
            settings["Sync:Throughput:PipelineDepth"] = depth.ToString(CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>Records per engine page (the worker's default, <c>Sync:Throughput:PageSize</c>).</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Pages per engine call (the worker's default, <c>Sync:Throughput:PagesPerBatch</c>).</summary>
    public int PagesPerCall { get; init; } = new ThroughputOptions().PagesPerBatch;

    /// <summary>Share of records changed before the steady-state "changed" run.</summary>
    public double ChangedFraction { get; init; } = 0.01;

    /// <summary>Dataset scale of the small memory run (the large one is the full dataset).</summary>
    public int MemoryScaleDivisor { get; init; } = 10;

    /// <summary>The tenant's onboarding policy (production default: adopt, which searches names/e-mails on a first load).</summary>
    public OnboardingPolicy Onboarding { get; init; } = OnboardingPolicy.Adopt;

    public bool SkipNaive { get; init; }

    public bool SkipWhatIf { get; init; }

    public bool SkipMemory { get; init; }

    /// <summary>Trace the large memory child with dotnet-trace into this folder and report its CPU by stage (<see cref="CpuProfile"/>).</summary>
    public string? ProfileDirectory { get; init; }
    /// <summary>Ticket changes of the ticket phase (webhook → Activity; default 300, 60 with <see cref="Quick"/>).</summary>
    public int? Tickets { get; init; }

    public int EffectiveTickets => Tickets ?? (Quick ? 60 : 300);

    public bool SkipTickets { get; init; }

    /// <summary>Ticket changes per second in the ticket phase's steady part.</summary>
    public int TicketRate { get; init; } = (int)Benchmarks.Tickets.TicketsPhase.DefaultEventsPerSecond;

    /// <summary>Print every request of the initial loads (scaled and at the plan's limit) with its time from that load's start (where the time goes).</summary>
    public bool Timeline { get; init; }

    /// <summary>Tenants of the many-tenants phase (default 1,000; 100 with <see cref="Quick"/>).</summary>
    public int? Tenants { get; init; }

    public int EffectiveTenants => Tenants ?? (Quick ? 100 : 1_000);

    public bool SkipTenants { get; init; }

    /// <summary>The sidecar's <c>maxConcurrentActivityInvocations</c> in the many-tenants phase (default: the Kubernetes configuration's 64).</summary>
    public int TenantActivityLimit { get; init; } = Benchmarks.Tenants.TenantsPhase.KubernetesActivityLimit;

    public string Output { get; init; } = Path.Combine("artifacts", "bench", "results.json");

    /// <summary>Internal: run as the memory child process against a sandbox of the parent.</summary>
    public MemoryChildArgs? MemoryChild { get; init; }

    public const string Usage = """
        Usage: make bench ARGS="[options]"   (or dotnet run --project bench/AcumaticaZendesk.Benchmarks -c Release -- [options])
          --customers N              customer-only accounts (default 600)
          --vendors N                vendor-only accounts (default 150)
          --customer-vendors N       accounts that are both customer and vendor, on top (default 50)
          --contacts-per-account N   contacts per business account (default 2)
          --employees N              employees (default 50)
          --rate-limit N             Zendesk requests per minute in the sandbox (default 7000)
          --time-scale K             divide sandbox job durations and client poll intervals by K (default rate-limit / 700)
          --plan-rate-limit N        also load a fresh account at N requests/min with production timings (default 700)
          --skip-plan-limit          do not run that production-timing load
          --runs N                   runs of every phase, figures are medians with min-max (default 3; 1 with --quick)
          --quick                    one run; the High Volume load on the default dataset instead of 10x
          --high-volume-rate-limit N the High Volume load's limit, production timings (default 2500)
          --high-volume-scale N      the High Volume load's tenant = dataset x N (default 10; 1 with --quick)
          --skip-high-volume         do not run the High Volume load
          --skip-large-plan-limit    do not load the larger tenant at the plan's limit (phase 1d)
          --max-bulk-jobs N          Sync:Throughput:MaxConcurrentBulkJobs for every load (default: the worker's)
          --state-latency-ms N       each state-store call waits N ms first, as a Dapr sidecar round trip does (default 2; 0 = none)
          --pipeline-depth N         Sync:Throughput:PipelineDepth, pages of a call in flight at once (default: the worker's)
          --page-size N              records per engine page (default 500)
          --pages-per-call N         pages per engine call, their Zendesk work overlapping (default: the worker's, 16; 1 = one page at a time)
          --changed-percent P        percent of records changed for the steady-state run (default 1)
          --memory-divisor N         small memory run = dataset / N (default 10)
          --onboarding POLICY        adopt (default) | create-only | report-only
          --skip-naive               do not run the naive strategy
          --skip-what-if             do not run the what-if load without onboarding searches
          --skip-memory              do not run the memory child processes
          --profile DIR              trace the large memory child with dotnet-trace into DIR, report its CPU by stage
          --tickets N                ticket changes of the ticket phase, webhook -> Activity (default 300; 60 with --quick)
          --ticket-rate N            ticket changes per second in the ticket phase (default 2)
          --skip-tickets             do not run the ticket phase
          --timeline                 print the initial loads' requests with their times (ms from each start)
          --tenants N                tenants of the many-tenants phase, run once (default 1000; 100 with --quick)
          --skip-tenants             do not run the many-tenants phase
          --tenant-activity-limit N  the sidecar's maxConcurrentActivityInvocations there (default 64, deploy/kubernetes)
          --output PATH              JSON results (default artifacts/bench/results.json)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new BenchUsageException($"{name} needs a value.");
            int Int(int min, int max)
            {
                var raw = Next();
                if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                    throw new BenchUsageException($"{name} must be a whole number between {min} and {max} (was '{raw}').");
                return v;
            }

            o = name switch
            {
                "--customers" => o with { Customers = Int(1, 1_000_000) },
                "--vendors" => o with { Vendors = Int(0, 1_000_000) },
                "--customer-vendors" => o with { CustomerVendors = Int(0, 1_000_000) },
                "--contacts-per-account" => o with { ContactsPerAccount = Int(0, 100) },
                "--employees" => o with { Employees = Int(0, 1_000_000) },
                "--rate-limit" => o with { RateLimit = Int(10, 1_000_000) },
                "--time-scale" => o with { TimeScale = Int(1, 1_000) },
                "--plan-rate-limit" => o with { PlanRateLimit = Int(10, 1_000_000) },
                "--skip-plan-limit" => o with { SkipPlanLimit = true },
                "--runs" => o with { Runs = Int(1, 20) },
                "--quick" => o with { Quick = true },
                "--high-volume-rate-limit" => o with { HighVolumeRateLimit = Int(10, 1_000_000) },
                "--high-volume-scale" => o with { HighVolumeScale = Int(1, 100) },
                "--skip-high-volume" => o with { SkipHighVolume = true },
                "--skip-large-plan-limit" => o with { SkipLargePlanLimit = true },
                "--max-bulk-jobs" => o with { MaxBulkJobs = Int(1, 30) },
                "--state-latency-ms" => o with { StateLatencyMs = Int(0, 1_000) },
                "--pipeline-depth" => o with { PipelineDepth = Int(1, 16) },
                "--page-size" => o with { PageSize = Int(10, 5_000) },
                "--pages-per-call" => o with { PagesPerCall = Int(1, 100) },
                "--changed-percent" => o with { ChangedFraction = Int(1, 100) / 100.0 },
                "--memory-divisor" => o with { MemoryScaleDivisor = Int(2, 1_000) },
                "--onboarding" => o with { Onboarding = Policy(Next()) },
                "--skip-naive" => o with { SkipNaive = true },
                "--skip-what-if" => o with { SkipWhatIf = true },
                "--skip-memory" => o with { SkipMemory = true },
                "--profile" => o with { ProfileDirectory = Next() },
                "--tickets" => o with { Tickets = Int(1, 100_000) },
                "--ticket-rate" => o with { TicketRate = Int(1, 50) },
                "--skip-tickets" => o with { SkipTickets = true },
                "--timeline" => o with { Timeline = true },
                "--tenants" => o with { Tenants = Int(1, 100_000) },
                "--skip-tenants" => o with { SkipTenants = true },
                "--tenant-activity-limit" => o with { TenantActivityLimit = Int(1, 10_000) },
                "--output" => o with { Output = Next() },
                "--memory-child" => o with { MemoryChild = MemoryChildArgs.Parse(Next()) },
                "--help" or "-h" => throw new BenchUsageException(null),
                _ => throw new BenchUsageException($"Unknown option '{name}'."),
            };
        }

        return o;
    }

    private static OnboardingPolicy Policy(string value) => value switch
    {
        "adopt" => OnboardingPolicy.Adopt,
        "create-only" => OnboardingPolicy.CreateOnly,
        "report-only" => OnboardingPolicy.ReportOnly,
        _ => throw new BenchUsageException($"--onboarding must be adopt, create-only or report-only (was '{value}')."),
    };

    /// <summary>The dataset times <paramref name="factor"/>.</summary>
    public BenchOptions Times(int factor) => this with
    {
        Customers = Customers * factor,
        Vendors = Vendors * factor,
        CustomerVendors = CustomerVendors * factor,
        Employees = Employees * factor,
    };

    /// <summary>The dataset divided by <paramref name="divisor"/> (at least one customer).</summary>
    public BenchOptions Scaled(int divisor) => this with
    {
        Customers = Math.Max(1, Customers / divisor),
        Vendors = Vendors / divisor,
        CustomerVendors = CustomerVendors / divisor,
        Employees = Employees / divisor,
    };
}

/// <summary>Bad command line; <see cref="Exception.Message"/> is null for <c>--help</c>.</summary>
public sealed class BenchUsageException(string? message) : Exception(message ?? string.Empty)
{
    public bool IsHelp => string.IsNullOrEmpty(Message);
}

/// <summary>Where the memory child finds the parent's sandbox (one argument:
/// <c>acumaticaUrl|zendeskUrl|pageSize|onboarding|timeScale|pagesPerCall</c>).</summary>
public sealed record MemoryChildArgs(Uri AcumaticaUrl, Uri ZendeskUrl, int PageSize, OnboardingPolicy Onboarding, double TimeScale, int PagesPerCall)
{
    public string Format() =>
        string.Join(
            '|',
            AcumaticaUrl,
            ZendeskUrl,
            PageSize.ToString(CultureInfo.InvariantCulture),
            Onboarding,
            TimeScale.ToString(CultureInfo.InvariantCulture),
            PagesPerCall.ToString(CultureInfo.InvariantCulture));

    public static MemoryChildArgs Parse(string value)
    {
        var parts = value.Split('|');
        if (parts.Length != 6
            || !int.TryParse(parts[5], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pagesPerCall)
            || !Enum.TryParse<OnboardingPolicy>(parts[3], out var onboarding)
                || !double.TryParse(parts[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var scale)
                || !Uri.TryCreate(parts[0], UriKind.Absolute, out var acu)
                || !Uri.TryCreate(parts[1], UriKind.Absolute, out var zd)
            || !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var size))
            throw new BenchUsageException("--memory-child expects 'acumaticaUrl|zendeskUrl|pageSize|onboarding|timeScale|pagesPerCall'.");
        return new MemoryChildArgs(acu, zd, size, onboarding, scale, pagesPerCall);
    }
}
