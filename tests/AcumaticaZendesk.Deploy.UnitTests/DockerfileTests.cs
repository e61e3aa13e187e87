using System.Text.Json;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using static AcumaticaZendesk.ServiceDefaults.ServiceDefaultsExtensions;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>The apps' Dockerfiles (build context: the repository root), checked without a Docker engine.</summary>
public sealed class DockerfileTests
{
    private static readonly string[] AppProjects = ["AcumaticaZendesk.SyncWorker", "AcumaticaZendesk.WebhookReceiver"];

    public static TheoryData<string> Apps => [.. AppProjects];

    private static Dockerfile Load(string project) =>
        Dockerfile.Parse(File.ReadAllText(RepoPaths.Combine("src", project, "Dockerfile")));

    [Theory]
    [MemberData(nameof(Apps))]
    public void Builds_with_the_SDK_and_runs_on_the_ASP_NET_runtime_in_separate_stages(string project)
    {
        var dockerfile = Load(project);

        Assert.True(dockerfile.Stages.Count >= 2, "multi-stage: a build stage and a runtime stage");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", dockerfile.Stages[0].Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", dockerfile.Final.Image, StringComparison.Ordinal);
        Assert.DoesNotContain(":latest", dockerfile.Final.Image, StringComparison.Ordinal);
        var stageNames = dockerfile.Stages.Select(s => s.Alias).ToHashSet();
        Assert.All(dockerfile.Final.All("COPY").Select(Dockerfile.CopyFromStage).OfType<string>(), from => Assert.Contains(from, stageNames));
        Assert.Contains(dockerfile.Final.All("COPY"), c => Dockerfile.CopyFromStage(c) is not null);
        Assert.Empty(dockerfile.Final.All("RUN"));
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void Runtime_stage_runs_as_a_non_root_user(string project)
    {
        var user = Assert.Single(Load(project).Final.All("USER")).Arguments;

        Assert.DoesNotContain(user, (string[])["root", "0", "0:0"]);
        Assert.Equal("$APP_UID", user);
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void Runtime_stage_exposes_the_app_port_and_documents_both_health_paths(string project)
    {
        var final = Load(project).Final;
        var labels = string.Join(' ', final.All("LABEL").Select(l => l.Arguments));

        Assert.Contains(final.All("EXPOSE"), e => e.Arguments == "8080");
        Assert.Contains(final.All("ENV"), e => e.Arguments.Contains("ASPNETCORE_HTTP_PORTS=8080", StringComparison.Ordinal));
        Assert.Contains($"io.acumatica-zendesk.health.liveness=\"{AlivePath}\"", labels, StringComparison.Ordinal);
        Assert.Contains($"io.acumatica-zendesk.health.readiness=\"{HealthPath}\"", labels, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void Copies_only_paths_that_exist_and_publishes_this_project_into_its_entry_point(string project)
    {
        var dockerfile = Load(project);
        var sources = dockerfile.Stages.SelectMany(s => s.All("COPY")).SelectMany(Dockerfile.ContextSources).ToList();
        var runs = string.Join('\n', dockerfile.Stages[0].All("RUN").Select(r => r.Arguments));
        var entryPoint = JsonSerializer.Deserialize<string[]>(Assert.Single(dockerfile.Final.All("ENTRYPOINT")).Arguments);

        Assert.Contains("src/", sources);
        Assert.All(sources, s => Assert.True(File.Exists(RepoPaths.Combine(s)) || Directory.Exists(RepoPaths.Combine(s)), $"COPY source '{s}' does not exist"));
        Assert.Contains($"dotnet restore src/{project}/{project}.csproj", runs, StringComparison.Ordinal);
        Assert.Contains($"dotnet publish src/{project}/{project}.csproj", runs, StringComparison.Ordinal);
        Assert.True(File.Exists(RepoPaths.Combine("src", project, $"{project}.csproj")));
        Assert.Equal(["dotnet", $"{project}.dll"], entryPoint ?? []);
    }

    [Fact]
    public void Dockerignore_keeps_build_output_and_local_secrets_out_but_not_what_the_Dockerfiles_copy()
    {
        var patterns = File.ReadAllLines(RepoPaths.Combine(".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var copied = AppProjects.SelectMany(a => Load(a).Stages.SelectMany(s => s.All("COPY")).SelectMany(Dockerfile.ContextSources)).Distinct();

        Assert.Contains("**/bin/", patterns);
        Assert.Contains("**/obj/", patterns);
        Assert.Contains("components/secrets.local.json", patterns);
        Assert.All(copied, c => Assert.DoesNotContain(c.TrimEnd('/'), patterns.Select(p => p.TrimEnd('/'))));
    }
}
