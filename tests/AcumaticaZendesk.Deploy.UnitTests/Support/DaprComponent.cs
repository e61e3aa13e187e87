using YamlDotNet.RepresentationModel;

namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>A metadata item of a Dapr component: a literal value, or a reference to a secret.</summary>
internal sealed record DaprMetadataItem(string Name, string? Value, string? SecretKeyRefName, string? SecretKeyRefKey, string? EnvRef)
{
    public bool IsSecretReference => SecretKeyRefName is not null;
}

/// <summary>A <c>dapr.io/v1alpha1</c> Component, Resiliency or Configuration read from YAML.</summary>
internal sealed record DaprResource(YamlManifest Manifest)
{
    public const string ApiVersionValue = "dapr.io/v1alpha1";

    private static readonly HashSet<string> ComponentTopLevelKeys = ["apiVersion", "kind", "metadata", "spec", "scopes", "auth"];
    private static readonly HashSet<string> ComponentSpecKeys = ["type", "version", "metadata", "ignoreErrors", "initTimeout"];
    private static readonly HashSet<string> MetadataItemKeys = ["name", "value", "secretKeyRef", "envRef"];

    public string Kind => Manifest.Kind;

    public string Name => Manifest.Name;

    public string? Type => Manifest.Scalar("spec", "type");

    public string? Version => Manifest.Scalar("spec", "version");

    public IReadOnlyList<string> Scopes => Manifest.Node("scopes").Strings();

    public string? AuthSecretStore => Manifest.Scalar("auth", "secretStore");

    public IReadOnlyList<DaprMetadataItem> Metadata =>
        Manifest.Node("spec", "metadata").Items()
            .Select(i => new DaprMetadataItem(
                i.ScalarAt("name") ?? "",
                i.ScalarAt("value"),
                i.ScalarAt("secretKeyRef", "name"),
                i.ScalarAt("secretKeyRef", "key"),
                i.ScalarAt("envRef")))
            .ToList();

    public string? MetadataValue(string name) => Metadata.FirstOrDefault(m => m.Name == name)?.Value;

    public static bool IsDapr(YamlManifest manifest) => manifest.ApiVersion == ApiVersionValue;

    /// <summary>
    /// Structural problems a Dapr runtime would reject or silently ignore (e.g. <c>scope:</c> for
    /// <c>scopes:</c>, a metadata item without a name or with two values). Empty when well-formed.
    /// </summary>
    public IReadOnlyList<string> StructuralProblems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("metadata.name is missing");
        }

        if (Kind != "Component")
        {
            return problems;
        }

        problems.AddRange(Manifest.Root.Keys().Where(k => !ComponentTopLevelKeys.Contains(k)).Select(k => $"unknown top-level key '{k}'"));
        problems.AddRange(Manifest.Node("spec").Keys().Where(k => !ComponentSpecKeys.Contains(k)).Select(k => $"unknown spec key '{k}'"));
        if (string.IsNullOrWhiteSpace(Type))
        {
            problems.Add("spec.type is missing");
        }

        if (string.IsNullOrWhiteSpace(Version))
        {
            problems.Add("spec.version is missing");
        }

        foreach (var item in Manifest.Node("spec", "metadata").Items())
        {
            var keys = item.Keys().ToList();
            var name = item.ScalarAt("name");
            problems.AddRange(keys.Where(k => !MetadataItemKeys.Contains(k)).Select(k => $"metadata item '{name}' has unknown key '{k}'"));
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add("a metadata item has no name");
            }

            var sources = keys.Count(k => k is "value" or "secretKeyRef" or "envRef");
            if (sources != 1)
            {
                problems.Add($"metadata item '{name}' must have exactly one of value, secretKeyRef, envRef (has {sources})");
            }

            if (item.At("value") is { } value && value is not YamlScalarNode)
            {
                problems.Add($"metadata item '{name}' value must be a scalar");
            }
        }

        if (Metadata.Any(m => m.IsSecretReference) && string.IsNullOrWhiteSpace(AuthSecretStore))
        {
            problems.Add("uses secretKeyRef but has no auth.secretStore");
        }

        return problems;
    }

    public static IReadOnlyList<DaprResource> From(IEnumerable<YamlManifest> manifests) =>
        manifests.Where(IsDapr).Select(m => new DaprResource(m)).ToList();
}
