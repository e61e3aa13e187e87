using Microsoft.Testing.Platform.Builder;

namespace AcumaticaZendesk.Testing.Mutation;

/// <summary>
/// The test-platform hook (<c>TestingPlatformBuilderHook</c> in the test projects <c>make mutate</c> runs): adds
/// <see cref="OneMutantPerProcess"/> when Stryker starts the test process, nothing otherwise.
/// </summary>
public static class MutationRunHook
{
    public static void AddExtensions(ITestApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var mutantFile = Environment.GetEnvironmentVariable(ActiveMutant.FileVariable);
        if (string.IsNullOrWhiteSpace(mutantFile))
        {
            return;
        }

        builder.TestHost.AddTestSessionLifetimeHandler(_ => new OneMutantPerProcess(
            mutantFile,
            line => Console.Error.WriteLine(line),
            () => Environment.Exit(75)));
    }
}
