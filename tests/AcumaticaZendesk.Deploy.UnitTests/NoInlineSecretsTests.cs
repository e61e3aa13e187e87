using AcumaticaZendesk.Deploy.UnitTests.Support;
using YamlDotNet.RepresentationModel;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>No secret value is committed: secret-like settings are references, examples are placeholders.</summary>
public sealed class NoInlineSecretsTests
{

    private static IEnumerable<YamlManifest> DeployYaml => YamlManifest.LoadAll(RepoPaths.YamlFiles(RepoPaths.Deploy));

    [Fact]
    public void Production_components_take_secret_like_metadata_from_secretKeyRef_only()
    {
        var literals = DaprResource.From(DeployYaml)
            .SelectMany(r => r.Metadata.Where(m => SecretLikeNames.IsSecretLike(m.Name) && !m.IsSecretReference)
                .Select(m => $"{r.Manifest.Id}: metadata '{m.Name}' is a literal; use secretKeyRef + auth.secretStore"))
            .ToList();

        Assert.Empty(literals);
    }

    [Fact]
    public void Local_components_hold_no_secret_literal_beyond_an_empty_value_or_a_SQLite_file_path()
    {
        var literals = DaprResourceSets.Local
            .SelectMany(r => r.Metadata
                .Where(m => SecretLikeNames.IsSecretLike(m.Name) && !m.IsSecretReference && !string.IsNullOrEmpty(m.Value))
                .Where(m => !(r.Type == "state.sqlite" && m.Name == "connectionString" && m.Value!.EndsWith(".db", StringComparison.Ordinal)))
                .Select(m => $"{r.Manifest.Id}: metadata '{m.Name}' has a literal value"))
            .ToList();

        Assert.Empty(literals);
    }

    [Fact]
    public void Container_env_variables_with_secret_like_names_come_from_Secrets()
    {
        var literals = DeployYaml
            .SelectMany(m => m.Root.AllNodes.OfType<YamlMappingNode>()
                .Where(
                    n => n.ScalarAt("name") is { } name
                        && SecretLikeNames.IsSecretLike(name)
                        && n.At("value") is not null
                        && n.At("valueFrom") is null
                        && n.At("mountPath") is null)
                .Select(n => $"{m.Id}: env '{n.ScalarAt("name")}' has a literal value; use valueFrom.secretKeyRef"))
            .ToList();

        Assert.Empty(literals);
    }

    [Fact]
    public void Secrets_appear_only_in_the_example_file_with_placeholder_values_and_are_never_deployed()
    {
        var secrets = DeployYaml.Where(m => m.Kind == "Secret").ToList();

        Assert.NotEmpty(secrets);
        Assert.All(secrets, s =>
        {
            Assert.Equal("secret.example.yaml", Path.GetFileName(s.File));
            Assert.Null(s.Node("data"));
            Assert.All(s.Node("stringData").Entries(), e =>
                Assert.True(SecretLikeNames.IsPlaceholder((e.Value as YamlScalarNode)?.Value), $"{s.Id}: '{e.Key}' is not a <placeholder>"));
        });
        var listed = DeployYaml.Where(m => m.Kind == "Kustomization").SelectMany(k => k.Node("resources").Strings());
        Assert.DoesNotContain(listed, r => Path.GetFileName(r) == "secret.example.yaml");
    }

    [Fact]
    public void Example_app_secrets_use_names_valid_in_Kubernetes_and_Key_Vault_with_one_key_of_the_same_name()
    {
        var appSecrets = DeployYaml.Where(m => m.Kind == "Secret" && m.Name.Contains("--", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(appSecrets);
        Assert.All(appSecrets, s =>
        {
            Assert.True(SecretLikeNames.IsValidProductionSecretName(s.Name), $"'{s.Name}' is not a valid Kubernetes/Key Vault secret name");
            Assert.Equal([s.Name], s.Node("stringData").Keys());
        });
    }

    [Fact]
    public void No_file_under_deploy_contains_a_connection_string_with_a_credential()
    {
        string[] markers = ["AccountKey=", "SharedAccessKey=", "AccessKey=", "Password=", "password=", "-----BEGIN"];
        var hits = Directory.EnumerateFiles(RepoPaths.Deploy, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .Where(x => markers.Any(mk => x.line.Contains(mk, StringComparison.Ordinal)) && !IsDocumentedPlaceholder(x.line))
            .Select(x => $"{RepoPaths.Relative(x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.Empty(hits);
    }

    // "password=..." inside a <placeholder> or a comment that shows the shape of a command.
    private static bool IsDocumentedPlaceholder(string line) =>
        line.Contains("password=...", StringComparison.Ordinal) || line.Contains("password='...'", StringComparison.Ordinal);
}
