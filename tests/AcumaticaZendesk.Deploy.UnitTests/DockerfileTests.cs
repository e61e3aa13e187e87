using System.Text.Json;
using System.Text.RegularExpressions;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using static AcumaticaZendesk.ServiceDefaults.ServiceDefaultsExtensions;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// deploy/docker: the one Dockerfile (build context: the repository root) and the bake file that
/// builds it once per app, checked without a Docker engine.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly Dockerfile Image = Dockerfile.Parse(File.ReadAllText(RepoPaths.Combine("deploy", "docker", "Dockerfile")));

    [GeneratedRegex("""target\s+"(?<target>[a-z-]+)"\s*\{[^}]*APP_PROJECT\s*=\s*"(?<project>[A-Za-z.]+)"[^}]*\}""")]
    private static partial Regex BakeTarget();

    private static Dictionary<string, string> BakeTargets =>
        BakeTarget().Matches(File.ReadAllText(RepoPaths.Combine("deploy", "docker", "docker-bake.hcl")))
            .ToDictionary(m => m.Groups["target"].Value, m => m.Groups["project"].Value);

    [Fact]
    public void Builds_with_the_SDK_and_runs_on_the_ASP_NET_runtime_in_separate_stages()
    {
        Assert.True(Image.Stages.Count >= 2, "multi-stage: a build stage and a runtime stage");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", Image.Stages[0].Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", Image.Final.Image, StringComparison.Ordinal);
        Assert.DoesNotContain(":latest", Image.Final.Image, StringComparison.Ordinal);
        var stageNames = Image.Stages.Select(s => s.Alias).ToHashSet();
        var fromStages = Image.Final.All("COPY").Select(Dockerfile.CopyFromStage).OfType<string>().ToList();
        Assert.NotEmpty(fromStages);
        Assert.All(fromStages, from => Assert.Contains(from, stageNames));
        Assert.Empty(Image.Final.All("RUN"));
    }

    [Fact]
    public void Runtime_stage_runs_as_a_non_root_user()
    {
        var user = Assert.Single(Image.Final.All("USER")).Arguments;

        Assert.DoesNotContain(user, (string[])["root", "0", "0:0"]);
        Assert.Equal("$APP_UID", user);
    }

    [Fact]
    public void Runtime_stage_exposes_the_app_port_and_documents_both_health_paths()
    {
        var labels = string.Join(' ', Image.Final.All("LABEL").Select(l => l.Arguments));

        Assert.Contains(Image.Final.All("EXPOSE"), e => e.Arguments == "8080");
        Assert.Contains(Image.Final.All("ENV"), e => e.Arguments.Contains("ASPNETCORE_HTTP_PORTS=8080", StringComparison.Ordinal));
        Assert.Contains($"io.acumatica-zendesk.health.liveness=\"{AlivePath}\"", labels, StringComparison.Ordinal);
        Assert.Contains($"io.acumatica-zendesk.health.readiness=\"{HealthPath}\"", labels, StringComparison.Ordinal);
    }

    [Fact]
    public void Copies_only_paths_that_exist_and_publishes_the_chosen_project_into_the_entry_point()
    {
        var sources = Image.Stages.SelectMany(s => s.All("COPY")).SelectMany(Dockerfile.ContextSources).ToList();
        var runs = string.Join('\n', Image.Stages[0].All("RUN").Select(r => r.Arguments));
        var entryPoint = JsonSerializer.Deserialize<string[]>(Assert.Single(Image.Final.All("ENTRYPOINT")).Arguments);

        Assert.Contains("src/", sources);
        Assert.All(sources, s => Assert.True(File.Exists(RepoPaths.Combine(s)) || Directory.Exists(RepoPaths.Combine(s)), $"COPY source '{s}' does not exist"));
        Assert.Contains("dotnet restore \"src/$APP_PROJECT/$APP_PROJECT.csproj\"", runs, StringComparison.Ordinal);
        Assert.Contains("dotnet publish \"src/$APP_PROJECT/$APP_PROJECT.csproj\"", runs, StringComparison.Ordinal);
        Assert.Contains("mv \"/app/$APP_PROJECT\" /app/entrypoint", runs, StringComparison.Ordinal);
        Assert.Equal(["/app/entrypoint"], entryPoint ?? []);
    }

    [Fact]
    public void Restores_and_publishes_ready_to_run_so_a_cold_worker_does_not_wait_on_the_jit()
    {
        var runs = Image.Stages[0].All("RUN").Select(r => r.Arguments).ToList();

        // Publishing ReadyToRun with --no-restore needs crossgen2 restored too: both steps carry the property.
        Assert.Contains(runs, r => r.Contains("dotnet restore", StringComparison.Ordinal) && r.Contains("-p:PublishReadyToRun=true", StringComparison.Ordinal));
        Assert.Contains(runs, r => r.Contains("dotnet publish", StringComparison.Ordinal) && r.Contains("-p:PublishReadyToRun=true", StringComparison.Ordinal));
    }

    [Fact]
    public void Bake_file_has_a_target_per_Dapr_app_and_every_target_builds_an_existing_web_project()
    {
        var targets = BakeTargets;

        Assert.All(ComponentRules.AppIds, appId => Assert.True(targets.ContainsKey(appId), $"no bake target for Dapr app '{appId}'"));
        Assert.All(targets.Values, project =>
        {
            var csproj = RepoPaths.Combine("src", project, $"{project}.csproj");
            Assert.True(File.Exists(csproj), $"{csproj} does not exist");
            Assert.Contains("Sdk=\"Microsoft.NET.Sdk.Web\"", File.ReadAllText(csproj), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Dockerignore_keeps_build_output_and_local_secrets_out_but_not_what_the_Dockerfile_copies()
    {
        var patterns = File.ReadAllLines(RepoPaths.Combine(".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var copied = Image.Stages.SelectMany(s => s.All("COPY")).SelectMany(Dockerfile.ContextSources).Distinct();

        Assert.Contains("**/bin/", patterns);
        Assert.Contains("**/obj/", patterns);
        Assert.Contains("components/secrets.local.json", patterns);
        Assert.All(copied, c => Assert.DoesNotContain(c.TrimEnd('/'), patterns.Select(p => p.TrimEnd('/'))));
    }
}
