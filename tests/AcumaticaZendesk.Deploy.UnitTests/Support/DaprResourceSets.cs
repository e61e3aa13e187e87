namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>The Dapr resources of each target, loaded once per test run.</summary>
internal static class DaprResourceSets
{
    private static readonly Lazy<IReadOnlyList<DaprResource>> LocalResources =
        new(() => DaprResource.From(YamlManifest.LoadAll(RepoPaths.YamlFiles(RepoPaths.Components))));

    private static readonly Lazy<IReadOnlyList<YamlManifest>> KubernetesManifests =
        new(() => YamlManifest.LoadAll(RepoPaths.YamlFiles(RepoPaths.Kubernetes)));

    public static IReadOnlyList<DaprResource> Local => LocalResources.Value;

    public static IReadOnlyList<ComponentView> LocalComponents => Components(Local);

    /// <summary>Every document under deploy/kubernetes (base, overlays, examples).</summary>
    public static IReadOnlyList<YamlManifest> Kubernetes => KubernetesManifests.Value;

    /// <summary>Dapr resources of the Kustomize base (what every overlay deploys).</summary>
    public static IReadOnlyList<DaprResource> KubernetesBase =>
        DaprResource.From(Kubernetes.Where(m => m.File.StartsWith(Path.Combine(RepoPaths.Kubernetes, "base"), StringComparison.Ordinal)));

    public static IReadOnlyList<ComponentView> Components(IEnumerable<DaprResource> resources) =>
        resources.Where(r => r.Kind == "Component").Select(ComponentView.From).ToList();
}
