namespace AcumaticaZendesk.Chaos;

/// <summary>
/// One fault scenario: <paramref name="Body"/> seeds its tenants, injects its faults and returns the time to
/// converge (null when it did not within the bound). The runner reconciles every tenant afterwards.
/// </summary>
/// <param name="Name">Short id (used by <c>--only</c>).</param>
/// <param name="Faults">What is injected, in words.</param>
/// <param name="Tenants">Tenant ids the scenario uses (each = sandbox instance and account of the same name).</param>
public sealed record ChaosScenario(
    string Name,
    string Faults,
    IReadOnlyList<string> Tenants,
    Func<ScenarioContext, CancellationToken, Task<TimeSpan?>> Body)
{
    /// <summary>Extra configuration of the apps for this scenario (e.g. short client timeouts).</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();
}
