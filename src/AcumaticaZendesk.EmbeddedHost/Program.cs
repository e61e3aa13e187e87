using AcumaticaZendesk.EmbeddedHost;

// `make demo` (and `make run` without the Dapr CLI): the whole connector in one process, for evaluation.
return await EmbeddedRun.RunAsync(args, Console.Out).ConfigureAwait(false);
