using System.Diagnostics;
using System.Text.Json;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>
/// Peak working set of the connector alone: each dataset size is loaded by a child process of the bench (the same
/// executable with <c>--memory-child</c>) against a sandbox that stays in the parent, so the sandbox's own data is
/// not in the peak and each peak is separate. The child holds the engine, both adapters and clients and the
/// in-memory state store (in production the state lives in the Dapr store, out of process).
/// </summary>
internal static class MemoryProbe
{
    private const string ResultPrefix = "BENCH-MEMORY-RESULT ";

    /// <param name="tracePath">Run the child under <c>dotnet-trace collect</c> (sampled thread time) writing this trace; null = untraced.</param>
    public static async Task<MemoryRun> MeasureAsync(
        BenchSandbox sandbox, string name, BenchOptions options, CancellationToken cancellationToken, string? tracePath = null)
    {
        var dataset = sandbox.Seed(name, options);
        var args = new MemoryChildArgs(
            sandbox.Host.AcumaticaUrl(name),
            sandbox.Host.ZendeskUrl(name),
            options.PageSize,
            options.Onboarding,
            options.EffectiveTimeScale,
            options.PagesPerCall);
        var start = ChildStartInfo(args, tracePath);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the memory child process.");
        var stderr = child.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = await child.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await child.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"The memory child for {name} failed (exit {child.ExitCode}): {await stderr.ConfigureAwait(false)}{stdout}");
        var report = JsonSerializer.Deserialize<ChildReport>(line[ResultPrefix.Length..], JsonSerializerOptions.Web)!;
        return new MemoryRun(
            dataset.Records, dataset.Organizations, dataset.Users, report.PeakWorkingSetMb, report.ManagedHeapMb, report.WallSeconds, report.CpuSeconds);
    }

    /// <summary>The child's side: load the parent's sandbox tenant with the real engine, print the peak.</summary>
    public static async Task<int> RunChildAsync(MemoryChildArgs args, CancellationToken cancellationToken)
    {
        var tenantId = args.ZendeskUrl.Segments[^1].Trim('/');
        var clock = Stopwatch.StartNew();
        await using (var connector = new ConnectorServices(args.TimeScale))
        {
            await connector.AddTenantAsync(tenantId, args.AcumaticaUrl, args.ZendeskUrl, args.Onboarding, cancellationToken).ConfigureAwait(false);
            using var before = Process.GetCurrentProcess();
            var cpuBefore = before.TotalProcessorTime;
            var kinds = await EngineLoad.RunAsync(connector.Engine, tenantId, "memory-1", args.PageSize, args.PagesPerCall, cancellationToken)
                .ConfigureAwait(false);
            if (kinds.Sum(k => k.Read) == 0)
                throw new InvalidOperationException("The memory child read no records.");
            using var self = Process.GetCurrentProcess();
            var cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            self.Refresh();
            var report = new ChildReport(self.PeakWorkingSet64 / 1048576.0, heap / 1048576.0, clock.Elapsed.TotalSeconds, cpu);
            Console.Out.WriteLine(ResultPrefix + JsonSerializer.Serialize(report, JsonSerializerOptions.Web));
        }

        return 0;
    }

    /// <summary><c>dotnet AcumaticaZendesk.Benchmarks.dll --memory-child …</c>, from the bench or from a test host alike.</summary>
    private static ProcessStartInfo ChildStartInfo(MemoryChildArgs args, string? tracePath)
    {
        var self = Environment.ProcessPath;
        var host = self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? self
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : "dotnet";
        var start = new ProcessStartInfo(tracePath is null ? host : CpuProfile.TraceTool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (tracePath is not null)
        {
            foreach (var argument in CpuProfile.CollectArguments(tracePath))
                start.ArgumentList.Add(argument);
            start.ArgumentList.Add(host);
        }

        start.ArgumentList.Add(typeof(MemoryProbe).Assembly.Location);
        start.ArgumentList.Add("--memory-child");
        start.ArgumentList.Add(args.Format());
        start.Environment["DOTNET_gcServer"] = "0";
        return start;
    }

    private sealed record ChildReport(double PeakWorkingSetMb, double ManagedHeapMb, double WallSeconds, double CpuSeconds);
}
