using Microsoft.Testing.Platform.Extensions.TestHost;
using Microsoft.Testing.Platform.Services;

namespace AcumaticaZendesk.Testing.Mutation;

/// <summary>
/// Under Stryker's test runner for Microsoft.Testing.Platform, ends a reused test process before it tests a second
/// mutant, so that every mutant runs in a process of its own. Stryker reuses one test process for many mutants, and a
/// mutant in a static initializer (a field's initial value, a static constructor) takes effect only in the process
/// that first touches the type: in a reused process it is never seen, and it survives whatever the tests assert.
/// Stryker 5.1.0 reruns a mutant once on a fresh process when its test process ends during the run; ending here,
/// before any test ran, makes that rerun the mutant's verdict. Test runs without a mutant (the initial run, the
/// coverage capture, any run outside Stryker) are never ended.
/// </summary>
internal sealed class OneMutantPerProcess(string mutantFile, Action<string> report, Action end) : ITestSessionLifetimeHandler
{
    private static int s_sessions;

    public string Uid => nameof(OneMutantPerProcess);

    public string Version => "1.0.0";

    public string DisplayName => "One mutant per test process";

    public string Description => "Ends a reused test process before Stryker tests another mutant in it.";

    public Task<bool> IsEnabledAsync() => Task.FromResult(true);

    public Task OnTestSessionStartingAsync(ITestSessionContext testSessionContext)
    {
        var session = Interlocked.Increment(ref s_sessions);
        var mutant = ActiveMutant.Read(mutantFile);
        if (session > 1 && mutant >= 0)
        {
            report($"[mutation] test session {session} of this process would test mutant {mutant}: ending the process so Stryker tests it in a fresh one");
            end();
        }

        return Task.CompletedTask;
    }

    public Task OnTestSessionFinishingAsync(ITestSessionContext testSessionContext) => Task.CompletedTask;
}
