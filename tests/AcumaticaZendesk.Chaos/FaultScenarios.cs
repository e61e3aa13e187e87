using System.Globalization;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sandbox.Infrastructure;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// Hostile answers: malformed and oversized records and bodies, slow answers past the clients' timeouts, and the
/// Zendesk plan limits actually reached (scaled windows).
/// </summary>
public static class FaultScenarios
{
    /// <summary>Length of the scaled rate-limit window: one "scaled minute" (time × k, k = 60 s ÷ window).</summary>
    private const int WindowSeconds = 6;

    /// <summary>Client timeouts of the slow-responses scenario (short, so the scenario stays fast), and the delay of a slow answer.</summary>
    private const string AttemptTimeout = "00:00:01";
    private const int SlowMs = 1_500;

    public static ChaosScenario MalformedAndOversizedRecords { get; } = new(
        "malformed-and-oversized-records",
        "8 Acumatica records answered broken (wrong JSON type, no key, invalid date, broken value wrapping, 1 MiB name, 20,000 fields) in 4 entities; Zendesk "
            + "show_many items with non-numeric ids and job statuses that are not JSON on 30% of those answers; then the records fixed",
        "the first run finishes with exactly the broken records missing, each failed in the audit trail and queued with its reason; once fixed, the next run "
            + "replays them in and empties the queue",
        ["hostile"],
        MalformedAsync)
    {
        Evidence = ["acumatica broken record", "zendesk malformed"],
    };

    public static ChaosScenario SlowResponses { get; } = new(
        "slow-responses-past-timeouts",
        $"the first 2 Zendesk bulk writes and 15% of all answers of each system held back {SlowMs} ms after the request was processed, past client timeouts "
            + "of 1 s (Acumatica:Client:AttemptTimeout, Zendesk:RequestTimeout)",
        "the run finishes; a write applied but answered too late creates no twin when the page is processed again",
        ["slow"],
        SlowAsync)
    {
        Evidence = ["acumatica slow", "zendesk slow"],
        Configuration = new Dictionary<string, string?>
        {
            ["Acumatica:Client:AttemptTimeout"] = AttemptTimeout,
            ["Acumatica:Client:RetryBaseDelay"] = "00:00:00.200",
            ["Acumatica:Client:TotalRequestTimeout"] = "00:00:20",
            ["Zendesk:RequestTimeout"] = AttemptTimeout,
            ["Zendesk:RetryBaseDelay"] = "00:00:00.200",
        },
    };

    /// <summary>Plan 200/min: 20 requests per 6 s window (plan ÷ m = 10, time × k = 10).</summary>
    public static ChaosScenario PlanLimit200 { get; } = PlanLimit(200, divisor: 10, customers: 24);

    /// <summary>Plan 700/min: 35 requests per 6 s window (plan ÷ m = 20, time × k = 10).</summary>
    public static ChaosScenario PlanLimit700 { get; } = PlanLimit(700, divisor: 20, customers: 96);

    /// <summary>
    /// A plan limit replayed k = 60 s ÷ window times faster (as <c>make bench</c> does: the sandbox's jobs and the
    /// client's job polls are k times quicker too) for a tenant m times smaller than the one it stands for: the account
    /// allows plan ÷ m requests per window. Pages of 10 records make the load request-heavy enough to reach the limit.
    /// </summary>
    private static ChaosScenario PlanLimit(int plan, int divisor, int customers)
    {
        var name = $"rl{plan}";
        return new ChaosScenario(
            $"zendesk-429-plan-{plan}",
            $"Zendesk plan {plan}/min actually reached, scaled: {plan / divisor} requests per {WindowSeconds} s window (plan ÷ m = {divisor}, time × k = "
                + $"{60 / WindowSeconds}), 429 with Retry-After past it; plus a storm of 10% of calls answered 429 (Retry-After 1 s)",
            "the faulted run finishes (429s waited out) after the account served its full allowance in one window",
            [name],
            (c, ct) => PlanLimitAsync(c, ScenarioContext.Dataset(name, customers: customers), plan, divisor, ct))
        {
            Evidence = ["zendesk 429"],
            Configuration = new Dictionary<string, string?>
            {
                ["Sync:Throughput:PageSize"] = "10",
                ["Zendesk:JobPollInterval"] = "00:00:00.100",
                ["Zendesk:JobPollMaxInterval"] = "00:00:01.500",
            },
        };
    }

    private static async Task<TimeSpan?> MalformedAsync(ScenarioContext c, CancellationToken ct)
    {
        const string tenant = "hostile";
        await c.AddTenantAsync(ScenarioContext.Dataset(tenant), ct);
        var broken = Break(c.Control, tenant);

        // Zendesk answers go bad too, alternating between two kinds while the first run goes on.
        var start = c.Elapsed;
        var instance = await c.StartRunAsync(tenant, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var toggling = ToggleZendeskMalformedAsync(c.Control, stop.Token);
        var first = c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct));
        await stop.CancelAsync();
        await toggling;
        c.Control.SetFaults("zendesk", new FaultSettings());
        c.ExpectFinished(first, "the first run over the broken records");

        // Reconciliation after the first run: exactly the broken records are missing, each failed in the audit trail
        // and waiting in the replay queue with the reason; nothing else is lost or duplicated.
        var during = c.Reconcile(tenant);
        var problems = await ExpectedFailuresAsync(c, tenant, broken, ct);
        var refusedCleanly = c.Check(during.Lost == broken.Count && during.Duplicates == 0 && problems.Count == 0,
            $"after the first run exactly the {broken.Count} broken records are missing (lost {during.Lost}, dupes {during.Duplicates}), each failed and "
                + $"queued{(problems.Count == 0 ? "" : $": {string.Join("; ", problems)}")}");
        if (!refusedCleanly)
        {
            return null;
        }

        foreach (var record in broken)
        {
            c.Control.FixAcumaticaRecord(tenant, record.Entity, record.Key);
        }

        var converged = await c.ConvergeAsync(tenant, start, ct);
        var queued = await c.Connector.WorkerServices.GetRequiredService<FailedRecordQueue>().ListAsync(tenant, ct);
        c.Check(queued.Count == 0, $"records fixed in Acumatica: the next run replayed them from the queue (replay queue left {queued.Count})");
        return converged;
    }

    /// <summary>A record answered broken: entity, key, fault, the key it is audited under and its Zendesk external id.</summary>
    private sealed record BrokenRecord(string Entity, string Key, AcumaticaRecordFault Fault, EntityKind Kind, string AuditKey, string ExternalId);

    private static List<BrokenRecord> Break(SandboxControl control, string tenant)
    {
        var customers = Keys(control, tenant, "Customer", "CustomerID");
        var vendors = Keys(control, tenant, "Vendor", "VendorID");
        var contacts = Keys(control, tenant, "Contact", "ContactID");
        var employees = Keys(control, tenant, "Employee", "EmployeeID");
        (string Entity, string Key, AcumaticaRecordFault Fault, EntityKind Kind, string ExternalId)[] chosen =
        [
            ("Customer", customers[2], AcumaticaRecordFault.WrongType, EntityKind.Customer, customers[2]),
            ("Customer", customers[6], AcumaticaRecordFault.MissingKey, EntityKind.Customer, customers[6]),
            ("Customer", customers[10], AcumaticaRecordFault.InvalidDate, EntityKind.Customer, customers[10]),
            ("Customer", customers[14], AcumaticaRecordFault.BrokenWrapping, EntityKind.Customer, customers[14]),
            ("Customer", customers[18], AcumaticaRecordFault.OversizedName, EntityKind.Customer, customers[18]),
            ("Vendor", vendors[1], AcumaticaRecordFault.TooManyFields, EntityKind.Vendor, vendors[1]),
            ("Contact", contacts[3], AcumaticaRecordFault.WrongType, EntityKind.Contact, $"acu-contact:{contacts[3]}"),
            ("Employee", employees[0], AcumaticaRecordFault.OversizedName, EntityKind.Employee, $"acu-employee:{employees[0]}"),
        ];
        return [.. chosen.Select(b =>
        {
            var id = control.BreakAcumaticaRecord(tenant, b.Entity, b.Key, b.Fault);
            // A record without its key is audited and replayed under its id (the key is what it lacks).
            var auditKey = b.Fault == AcumaticaRecordFault.MissingKey ? id.ToString() : b.Key;
            return new BrokenRecord(b.Entity, b.Key, b.Fault, b.Kind, auditKey, b.ExternalId);
        })];
    }

    /// <summary>What is wrong with the expected failures (empty = each is absent from Zendesk, failed in the audit trail and queued).</summary>
    private static async Task<List<string>> ExpectedFailuresAsync(ScenarioContext c, string tenant, IReadOnlyList<BrokenRecord> broken, CancellationToken ct)
    {
        var audit = c.Connector.WorkerServices.GetRequiredService<AuditTrail>();
        var queued = (await c.Connector.WorkerServices.GetRequiredService<FailedRecordQueue>().ListAsync(tenant, ct).ConfigureAwait(false))
            .ToDictionary(f => (f.Kind, f.Key));
        var inZendesk = c.Control.Organizations(tenant).Concat(c.Control.Users(tenant)).OfType<JsonObject>()
            .Select(r => r["external_id"]?.ToString()).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var record in broken)
        {
            if (inZendesk.Contains(record.ExternalId))
            {
                problems.Add($"{record.Entity} {record.Key} ({record.Fault}) reached Zendesk");
            }

            var history = await audit.GetAsync(tenant, record.Kind, record.AuditKey, ct).ConfigureAwait(false);
            var failed = history?.Entries.FirstOrDefault(e => e.Action == AuditAction.Failed);
            if (failed?.Error is not { Kind: WriteErrorKind.Unreadable } error || !queued.ContainsKey((record.Kind, record.AuditKey)))
            {
                problems.Add($"{record.Entity} {record.Key} ({record.Fault}) is not failed+queued in the audit trail");
                continue;
            }

            codes.Add($"{record.Fault}→{error.Code}");
        }

        c.Note($"refused with reasons: {string.Join(", ", codes)}");
        return problems;
    }

    private static async Task ToggleZendeskMalformedAsync(SandboxControl control, CancellationToken ct)
    {
        FaultSettings[] kinds =
        [
            new() { MalformedRate = 0.3, MalformedPathContains = "show_many", MalformedKind = MalformedResponse.NonNumericId },
            new() { MalformedRate = 0.3, MalformedPathContains = "job_statuses", MalformedKind = MalformedResponse.NotJson },
        ];
        try
        {
            for (var i = 0; ; i++)
            {
                control.SetFaults("zendesk", kinds[i % kinds.Length]);
                await Task.Delay(250, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<TimeSpan?> SlowAsync(ScenarioContext c, CancellationToken ct)
    {
        const string tenant = "slow";
        await c.AddTenantAsync(ScenarioContext.Dataset(tenant), ct);
        c.Control.SetFaults("acumatica", new FaultSettings { SlowRate = 0.15, SlowNextCount = 1, SlowMs = SlowMs, SlowPathContains = "/entity/" });
        c.Control.SetFaults("zendesk", new FaultSettings { SlowRate = 0.15, SlowMs = SlowMs, SlowPathContains = "/api/v2/" });
        var start = c.Elapsed;

        // The first two bulk writes are answered late for sure (applied, but the client has given up): the connector must
        // not create twins when it sees the page again. Then 15% of every kind of call, as above.
        c.Control.SetFaults("zendesk", new FaultSettings { SlowNextCount = 2, SlowMs = SlowMs, SlowPathContains = "create" });
        var instance = await c.StartRunAsync(tenant, ct);
        while (c.Control.GetFaults("zendesk").SlowNextCount > 0 && c.Elapsed - start < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50, ct);
        }

        c.Control.SetFaults("zendesk", new FaultSettings { SlowRate = 0.15, SlowMs = SlowMs, SlowPathContains = "/api/v2/" });
        c.ExpectFinished(c.Summarize(await c.Connector.WaitForRunAsync(instance, ScenarioContext.RunTimeout, ct)), "the run with slow answers");
        var converged = await c.ConvergeAsync(tenant, start, ct);
        c.Control.SetFaults("acumatica", new FaultSettings());
        c.Control.SetFaults("zendesk", new FaultSettings());

        var slow = c.Control.TamperedAnswers;
        var appliedWrites = slow.Where(s => s.Key.StartsWith("zendesk slow", StringComparison.Ordinal) && !s.Key.EndsWith(" GET", StringComparison.Ordinal))
            .Sum(s => s.Value);
        c.Note(
            $"answers held back {SlowMs} ms past the 1 s timeouts: {string.Join(", ", slow.Select(s => $"{s.Key} {s.Value}"))}; Zendesk writes applied but "
                + $"timed out client-side: {appliedWrites}");
        return converged;
    }

    private static async Task<TimeSpan?> PlanLimitAsync(ScenarioContext c, SeedSpec dataset, int plan, int divisor, CancellationToken ct)
    {
        var tenant = dataset.Instance;
        await c.AddTenantAsync(dataset, ct);
        var limit = plan / divisor;
        var window = TimeSpan.FromSeconds(WindowSeconds);
        var settings = c.Control.GetZendeskSettings(tenant);
        settings.RateLimitPerMinute = limit;
        settings.RateLimitWindow = window;
        settings.JobQueuedFor = settings.JobQueuedFor / (60 / WindowSeconds);
        settings.JobWorkingFor = settings.JobWorkingFor / (60 / WindowSeconds);
        var start = c.Elapsed;
        c.Control.SetFaults(
            "zendesk",
            new FaultSettings { ErrorRate = 0.1, ErrorStatusCodes = [429], FailNextCount = 1, FailNextStatus = 429, NextRequestContains = "/api/v2/" });
        c.ExpectFinished(await c.RunOnceAsync(tenant, ct), "the run at the plan limit");
        c.Control.SetFaults("zendesk", new FaultSettings());
        var converged = await c.ConvergeAsync(tenant, start, ct);

        // The sandbox's limiter decides and counts (not a replay of the request log, whose clock is not the limiter's).
        var (peak, refusedForLimit) = c.Control.ZendeskRateUsage(tenant);
        var injected = c.Control.TamperedAnswers.GetValueOrDefault("zendesk injected 429");
        var throttle = c.Connector.WorkerServices.GetService<ZendeskClientMetrics>()?.Snapshot().ThrottleWait ?? TimeSpan.Zero;
        c.Note(string.Create(CultureInfo.InvariantCulture,
            $"limit {limit} per {WindowSeconds} s window (= plan {plan}/min ÷ {divisor}, time × {60 / WindowSeconds}); peak served in one window (scaled "
                + $"minute): {peak}; 429 answers: {refusedForLimit} from the limit + {injected} injected; client paced itself {throttle.TotalSeconds:F1} s"));
        c.Check(peak >= limit, $"the plan limit was reached (peak {peak}, limit {limit})");
        return converged;
    }

    private static List<string> Keys(SandboxControl control, string instance, string entity, string keyField) =>
        [.. control.AcumaticaRecords(instance, entity).Select(r => r![keyField]!["value"]!.ToJsonString().Trim('"').Trim())];
}
