using AcumaticaZendesk.Benchmarks;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (BenchUsageException ex)
{
    if (!ex.IsHelp)
        await Console.Error.WriteLineAsync(ex.Message);
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return ex.IsHelp ? 0 : 2;
}

if (options.MemoryChild is { } child)
    return await MemoryProbe.RunChildAsync(child, cancellation.Token);

var results = await new BenchRunner(options, Console.Out).RunAsync(cancellation.Token);
Console.Out.Write(Report.Table(results));
await Report.WriteJsonAsync(results, options.Output, cancellation.Token);
Console.Out.WriteLine($"\nJSON: {Path.GetFullPath(options.Output)}");
var problems = CrossChecks.Of(results);
foreach (var problem in problems)
    await Console.Error.WriteLineAsync($"CROSS-CHECK FAILED: {problem}");
return problems.Count == 0 ? 0 : 1;
