namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>Paths inside the repository the tests run from (found by walking up to the solution file).</summary>
internal static class RepoPaths
{
    private const string SolutionFile = "AcumaticaZendesk.sln";

    public static string Root { get; } = FindRoot();

    public static string Components => Path.Combine(Root, "components");

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string Kubernetes => Path.Combine(Deploy, "kubernetes");

    public static string AzureContainerApps => Path.Combine(Deploy, "azure-container-apps");

    public static string DaprRunFile => Path.Combine(Root, "dapr.yaml");

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    public static IEnumerable<string> YamlFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Could not find {SolutionFile} above {AppContext.BaseDirectory}; run the tests from a clone of the repository.");
    }
}
