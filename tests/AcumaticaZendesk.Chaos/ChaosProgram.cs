using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// <c>make chaos</c>: runs every scenario against a fresh sandboxed connector, reconciles each tenant and prints a
/// table; writes <c>artifacts/chaos/results.json</c>. Exit code 1 when a scenario failed a check (its faulted run did
/// not do what it must, its faults were not injected), lost or duplicated a record or a ticket activity, or did not
/// converge. Options: <c>--only a,b</c>, <c>--out path</c>, <c>--bound seconds</c> (per scenario convergence bound);
/// environment: <c>CHAOS_STATE_STORE</c> (<see cref="ScenarioRunner.StatePersonalityChoice"/>), <c>CHAOS_ZENDESK_AUTH</c>.
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

        var stateStore = ScenarioRunner.StatePersonalityChoice();
        Console.WriteLine($"state store personality of the stand-in sidecar: {stateStore} (CHAOS_STATE_STORE)");
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var total = Stopwatch.StartNew();
        var results = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            Console.WriteLine($"--- {scenario.Name}: {scenario.Faults}");
            Console.WriteLine($"    expects: {scenario.Expects}");
            var result = await ScenarioRunner.RunAsync(scenario, bound, cancel.Token);
            results.Add(result);
            Console.WriteLine($"    {(result.Passed ? "PASS" : "FAIL")} in {result.ElapsedSeconds:F1} s; {string.Join("; ", result.Notes)}");
        }

        var report = new
        {
            generatedAt = DateTimeOffset.UtcNow,
            machine = new
            {
                Environment.ProcessorCount,
                os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                runtime = Environment.Version.ToString(),
            },
            stateStore = stateStore.ToString(),
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

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
