using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// Runs one scenario against a fresh sandboxed connector and decides its verdict from evidence: the scenario's own
/// checks (any failed one fails it), the faults the sandbox counted (every kind of <see cref="ChaosScenario.Evidence"/>
/// at least once), convergence within the bound, and the reconciliations of records and ticket activities.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>Production's consent and refresh tokens unless <c>CHAOS_ZENDESK_AUTH=client-credentials</c> picks the variant.</summary>
    public static ZendeskAuthorization ZendeskAuthorizationChoice() =>
        Environment.GetEnvironmentVariable("CHAOS_ZENDESK_AUTH") switch
        {
            null or "" or "authorization-code" => ZendeskAuthorization.AuthorizationCode,
            "client-credentials" => ZendeskAuthorization.ClientCredentials,
            var other => throw new ArgumentException($"CHAOS_ZENDESK_AUTH must be authorization-code or client-credentials (was '{other}')."),
        };

    /// <summary>
    /// The state store the stand-in sidecar behaves like: <c>CHAOS_STATE_STORE</c> = <c>sqlite</c> | <c>postgresql</c> |
    /// <c>redis</c> | <c>cosmosdb</c>; unset, what every suite uses (<c>STANDIN_STATE_STORE</c>, else sqlite).
    /// </summary>
    public static StateStorePersonality StatePersonalityChoice() =>
        Environment.GetEnvironmentVariable("CHAOS_STATE_STORE") is { Length: > 0 } name
            ? StateStorePersonalities.Parse(name)
            : StateStorePersonalities.FromEnvironment();

    public static async Task<ScenarioResult> RunAsync(ChaosScenario scenario, TimeSpan bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(bound * 2.5);
        var configuration = new Dictionary<string, string?>(scenario.Configuration)
        {
            ["Serilog:MinimumLevel:Default"] = Environment.GetEnvironmentVariable("CHAOS_LOG_LEVEL") ?? "Error"
        };
        var connector = await SandboxedConnector.StartAsync(new SandboxedConnectorOptions
        {
            Configuration = configuration,
            ZendeskAuthorization = ZendeskAuthorizationChoice(),
            StatePersonality = StatePersonalityChoice(),
        }, cancellationToken).ConfigureAwait(false);
        await using var context = new ScenarioContext(connector, bound);
        TimeSpan? converged = null;
        try
        {
            converged = await scenario.Body(context, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            context.Fail($"{ex.GetType().Name}: {ex.Message}");
        }

        if (converged is null)
        {
            context.Fail($"did not converge within {bound.TotalSeconds:F0} s");
        }

        context.CollectWorkerCounters();
        var reconciled = scenario.Tenants.Select(context.Reconcile).ToList();
        foreach (var problem in reconciled.SelectMany(r => r.Problems).Take(10))
        {
            context.Note($"reconciliation: {problem}");
        }

        var tickets = scenario.Tenants.Select(t => TicketReconciliation.Of(context.Control, t, t)).ToList();
        foreach (var problem in tickets.SelectMany(t => t.Problems))
        {
            context.Note($"ticket reconciliation: {problem}");
        }

        var sandboxFaults = SandboxFaults.Count(context.Control, scenario.Tenants);
        var faults = new SortedDictionary<string, int>(sandboxFaults, StringComparer.Ordinal);
        foreach (var (kind, count) in context.InjectedFaults)
        {
            faults[kind] = faults.GetValueOrDefault(kind) + count;
        }

        foreach (var kind in scenario.Evidence)
        {
            context.Check(SandboxFaults.Of(faults, kind) > 0, $"faults '{kind}' injected ({SandboxFaults.Of(faults, kind)} counted)");
        }

        var lost = reconciled.Sum(r => r.Lost);
        var duplicates = reconciled.Sum(r => r.Duplicates);
        var stale = reconciled.Sum(r => r.Stale);
        var strays = reconciled.Sum(r => r.Strays) + tickets.Sum(t => t.Strays);
        var acumaticaRetries = SandboxFaults.Of(sandboxFaults, "acumatica ");
        var failures = context.Failures;
        return new ScenarioResult(
            scenario.Name,
            scenario.Faults,
            scenario.Expects,
            faults.Values.Sum(),
            faults,
            reconciled.Sum(r => r.Expected),
            reconciled.Sum(r => r.InZendesk),
            duplicates,
            lost,
            stale,
            strays,
            tickets.Sum(t => t.Expected),
            tickets.Sum(t => t.Lost),
            tickets.Sum(t => t.Duplicated),
            context.ZendeskRetries + acumaticaRetries,
            context.Runs,
            context.Reruns,
            converged is { } t ? Math.Round(t.TotalSeconds, 1) : null,
            Math.Round(context.Elapsed.TotalSeconds, 1),
            failures.Count == 0 && converged is not null && lost == 0 && duplicates == 0 && stale == 0 && strays == 0 && tickets.All(t => t.Converged),
            failures,
            [.. context.Notes]);
    }
}
