using System.Text.RegularExpressions;
using System.Xml.Linq;
using AcumaticaZendesk.Deploy.UnitTests.Support;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// The Dapr runtime release is pinned in one place, <c>deploy/DAPR_RUNTIME_VERSION</c>: the Kubernetes sidecars, the
/// control plane the docs install, <c>make run</c>'s <c>dapr init</c> and the container suite use it, it is the line of
/// the Dapr SDK packages, and no file names another release.
/// </summary>
public sealed partial class DaprRuntimePinTests
{
    private static string Pin => File.ReadAllText(RepoPaths.Combine("deploy", "DAPR_RUNTIME_VERSION")).Trim();

    [GeneratedRegex(@"daprd:(?<v>[0-9][\w.-]*)|--runtime-version[ =](?<v>[0-9][\w.-]*)|dapr/dapr\b[^\n`]*--version (?<v>[0-9][\w.-]*)")]
    private static partial Regex ReleaseMention();

    [GeneratedRegex(@"""\d+\.\d+\.\d+""")]
    private static partial Regex VersionLiteral();

    [Fact]
    public void The_pin_is_one_release_of_the_line_of_the_Dapr_SDK_packages()
    {
        var packages = XDocument.Load(RepoPaths.Combine("Directory.Packages.props")).Descendants("PackageVersion")
            .Where(p => ((string?)p.Attribute("Include"))?.StartsWith("Dapr.", StringComparison.Ordinal) == true)
            .Select(p => (string)p.Attribute("Version")!)
            .ToList();

        Assert.Matches(@"^\d+\.\d+\.\d+$", Pin);
        Assert.NotEmpty(packages);
        Assert.All(packages, v => Assert.Equal(MinorLine(Pin), MinorLine(v)));
    }

    [Fact]
    public void Every_Kubernetes_sidecar_runs_the_pinned_release()
    {
        var daprPods = DaprResourceSets.Kubernetes
            .Where(m => m.Kind == "Deployment" && m.Scalar("spec", "template", "metadata", "annotations", "dapr.io/enabled") == "true")
            .ToList();

        Assert.NotEmpty(daprPods);
        Assert.All(daprPods, d => Assert.Equal(
            $"daprio/daprd:{Pin}", d.Scalar("spec", "template", "metadata", "annotations", "dapr.io/sidecar-image")));
    }

    [Fact]
    public void The_docs_install_and_make_run_initializes_the_pinned_release()
    {
        var deployDoc = File.ReadAllText(RepoPaths.Combine("docs", "deploy.md"));
        var makefile = File.ReadAllText(RepoPaths.Combine("Makefile"));
        var inits = Regex.Matches(makefile, @"\$\(DAPR\) init\b[^\n;]*").Select(m => m.Value).ToList();

        Assert.Contains($"dapr/dapr --version {Pin}", deployDoc, StringComparison.Ordinal);
        Assert.Contains("DAPR_RUNTIME_VERSION := $(shell cat deploy/DAPR_RUNTIME_VERSION)", makefile, StringComparison.Ordinal);
        Assert.NotEmpty(inits);
        Assert.All(inits, i => Assert.Contains("--runtime-version $(DAPR_RUNTIME_VERSION)", i, StringComparison.Ordinal));
    }

    [Fact]
    public void The_container_suite_reads_the_pin_instead_of_naming_a_release()
    {
        var containers = RepoPaths.Combine("tests", "AcumaticaZendesk.EndToEndTests", "Containers");
        var project = File.ReadAllText(RepoPaths.Combine("tests", "AcumaticaZendesk.EndToEndTests", "AcumaticaZendesk.EndToEndTests.csproj"));

        Assert.Contains(@"..\..\deploy\DAPR_RUNTIME_VERSION", project, StringComparison.Ordinal);
        Assert.All(Directory.EnumerateFiles(containers, "*.cs"), f => Assert.DoesNotMatch(VersionLiteral(), File.ReadAllText(f)));
    }

    [Fact]
    public void No_file_names_another_Dapr_runtime_release()
    {
        var files = new[] { "README.md", "Makefile", "dapr.yaml" }.Select(f => RepoPaths.Combine(f))
            .Concat(Directory.EnumerateFiles(RepoPaths.Combine("docs"), "*.md", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(RepoPaths.Deploy, "*", SearchOption.AllDirectories));

        var others = files
            .SelectMany(f => ReleaseMention().Matches(File.ReadAllText(f)).Select(m => (File: RepoPaths.Relative(f), Release: m.Groups["v"].Value)))
            .Where(m => m.Release != Pin && m.Release != "$(DAPR_RUNTIME_VERSION)")
            .ToList();

        Assert.Empty(others);
    }

    private static string MinorLine(string version) => string.Join('.', version.Split('.').Take(2));
}
