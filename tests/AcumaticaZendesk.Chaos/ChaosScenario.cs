namespace AcumaticaZendesk.Chaos;

/// <summary>
/// One fault scenario: <paramref name="Body"/> seeds its tenants, injects its faults, checks what its faulted run did
/// against <paramref name="Expects"/> and returns the time to converge (null when it did not within the bound). The
/// runner then checks that the sandbox counted every fault kind of <see cref="Evidence"/> and reconciles every tenant.
/// </summary>
/// <param name="Name">Short id (used by <c>--only</c>).</param>
/// <param name="Faults">What is injected, in words.</param>
/// <param name="Expects">What the faulted run must do (finish, or fail clearly), in words; the body checks it.</param>
/// <param name="Tenants">Tenant ids the scenario uses (each = sandbox instance and account of the same name).</param>
public sealed record ChaosScenario(
    string Name,
    string Faults,
    string Expects,
    IReadOnlyList<string> Tenants,
    Func<ScenarioContext, CancellationToken, Task<TimeSpan?>> Body)
{
    /// <summary>Extra configuration of the apps for this scenario (e.g. short client timeouts).</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Fault kinds (prefixes of <see cref="SandboxFaults"/> kinds, or of faults the harness itself caused, such as
    /// "worker restarts") each of which must have been counted at least once, or the scenario fails: a scenario whose
    /// faults never happened proves nothing.
    /// </summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];
}
