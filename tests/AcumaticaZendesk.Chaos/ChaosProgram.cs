using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// <c>make chaos</c>: runs every scenario against a fresh sandboxed connector, reconciles each tenant and prints a
/// table; writes <c>artifacts/chaos/results.json</c>. Exit code 1 when a scenario lost or duplicated a record or a
/// ticket activity, or did not converge. Options: <c>--only a,b</c>, <c>--out path</c>, <c>--bound seconds</c> (per scenario convergence bound).
/// </summary>
public static class ChaosProgram
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> Main(string[] args)
    {
        var only = Option(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var output = Option(args, "--out") ?? Path.Combine("artifacts", "chaos", "results.json");
        var bound = TimeSpan.FromSeconds(double.Parse(Option(args, "--bound") ?? "90", CultureInfo.InvariantCulture));
        var scenarios = Scenarios.All.Where(s => only is null || only.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (scenarios.Count == 0)
        {
            await Console.Error.WriteLineAsync($"No scenario matches --only. Known: {string.Join(", ", Scenarios.All.Select(s => s.Name))}");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var total = Stopwatch.StartNew();
        var results = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            Console.WriteLine($"--- {scenario.Name}: {scenario.Faults}");
            var result = await RunAsync(scenario, bound, cancel.Token);
            results.Add(result);
            Console.WriteLine($"    {(result.Passed ? "PASS" : "FAIL")} in {result.ElapsedSeconds:F1} s; {string.Join("; ", result.Notes)}");
        }

        var report = new
        {
            generatedAt = DateTimeOffset.UtcNow,
            machine = new { Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, runtime = Environment.Version.ToString() },
            totalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
            passed = results.All(r => r.Passed),
            scenarios = results,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, Json), cancel.Token);
        Console.WriteLine();
        Console.WriteLine(ResultTable.Render(results));
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:F0} s on {Environment.ProcessorCount} cores; results in {output}");
        return report.passed ? 0 : 1;
    }

    private static async Task<ScenarioResult> RunAsync(ChaosScenario scenario, TimeSpan bound, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(bound * 2.5);
        var configuration = new Dictionary<string, string?>(scenario.Configuration) { ["Serilog:MinimumLevel:Default"] = Environment.GetEnvironmentVariable("CHAOS_LOG_LEVEL") ?? "Error" };
        var connector = await SandboxedConnector.StartAsync(new SandboxedConnectorOptions { Configuration = configuration }, cancellationToken);
        await using var context = new ScenarioContext(connector, bound);
        TimeSpan? converged = null;
        try
        {
            converged = await scenario.Body(context, deadline.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Note($"FAIL: {ex.GetType().Name}: {ex.Message}");
        }

        context.CollectWorkerCounters();
        var reconciled = scenario.Tenants.Select(context.Reconcile).ToList();
        var tickets = scenario.Tenants.Select(t => TicketReconciliation.Of(context.Control, t, t)).ToList();
        foreach (var problem in tickets.SelectMany(t => t.Problems))
        {
            context.Note($"ticket reconciliation: {problem}");
        }

        var httpFaults = ScenarioResult.HttpFaults(context.Control.Requests.Recent(20_000));
        var faults = new SortedDictionary<string, int>(httpFaults, StringComparer.Ordinal);
        foreach (var (kind, count) in context.InjectedFaults)
        {
            faults[kind] = count;
        }

        var lost = reconciled.Sum(r => r.Lost);
        var duplicates = reconciled.Sum(r => r.Duplicates);
        var stale = reconciled.Sum(r => r.Stale) + context.ExtraStale;
        var acumaticaRetries = httpFaults.Where(f => f.Key.StartsWith("acumatica", StringComparison.Ordinal)).Sum(f => f.Value);
        return new ScenarioResult(
            scenario.Name,
            scenario.Faults,
            faults.Values.Sum(),
            faults,
            reconciled.Sum(r => r.Expected),
            reconciled.Sum(r => r.InZendesk),
            duplicates,
            lost,
            stale,
            tickets.Sum(t => t.Expected),
            tickets.Sum(t => t.Lost),
            tickets.Sum(t => t.Duplicated),
            context.ZendeskRetries + acumaticaRetries,
            context.Runs,
            converged is { } t ? Math.Round(t.TotalSeconds, 1) : null,
            Math.Round(context.Elapsed.TotalSeconds, 1),
            converged is not null && lost == 0 && duplicates == 0 && stale == 0 && tickets.All(t => t.Converged),
            [.. context.Notes]);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
