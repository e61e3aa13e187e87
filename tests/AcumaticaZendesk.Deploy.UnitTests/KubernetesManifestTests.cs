using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using YamlDotNet.RepresentationModel;
using static AcumaticaZendesk.ServiceDefaults.ServiceDefaultsExtensions;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>deploy/kubernetes: Kustomize wiring, Deployments, Ingress and the production Dapr resources.</summary>
public sealed class KubernetesManifestTests
{
    private const string AppPort = "8080";

    private static IReadOnlyList<YamlManifest> Manifests => DaprResourceSets.Kubernetes;

    private static IReadOnlyList<YamlManifest> Deployments => [.. Manifests.Where(m => m.Kind == "Deployment")];

    public static TheoryData<string> AppIds => [.. ComponentRules.AppIds];

    [Fact]
    public void Every_document_parses_and_has_api_version_kind_and_name()
    {
        Assert.NotEmpty(Manifests);
        Assert.All(Manifests, m =>
        {
            Assert.False(string.IsNullOrWhiteSpace(m.ApiVersion), $"{m.Id}: apiVersion");
            Assert.False(string.IsNullOrWhiteSpace(m.Kind), $"{m.Id}: kind");
            if (m.Kind != "Kustomization")
            {
                Assert.False(string.IsNullOrWhiteSpace(m.Name), $"{m.Id}: metadata.name");
            }
        });
    }

    [Fact]
    public void Kustomizations_list_existing_files_and_the_base_lists_every_manifest_beside_it()
    {
        var kustomizations = Manifests.Where(m => m.Kind == "Kustomization").ToList();
        Assert.Contains(kustomizations, k => k.File.Contains("/base/", StringComparison.Ordinal));
        Assert.Contains(kustomizations, k => k.File.Contains("/overlays/production/", StringComparison.Ordinal));

        foreach (var k in kustomizations)
        {
            var dir = Path.GetDirectoryName(k.File)!;
            foreach (var resource in k.Node("resources").Strings())
            {
                var path = Path.GetFullPath(Path.Combine(dir, resource));
                Assert.True(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")),
                    $"{k.Id} lists '{resource}', which does not exist");
            }

            var listed = k.Node("resources").Strings().Select(r => Path.GetFullPath(Path.Combine(dir, r))).ToHashSet();
            var beside = RepoPaths.YamlFiles(dir).Where(f => Path.GetFileName(f) != "kustomization.yaml");
            Assert.All(beside, f => Assert.True(listed.Contains(f), $"{RepoPaths.Relative(f)} is not listed in {RepoPaths.Relative(k.File)}"));
        }
    }

    [Fact]
    public void Production_components_have_the_local_names_and_scopes_and_production_types()
    {
        var production = DaprResourceSets.Components(DaprResourceSets.KubernetesBase);

        Assert.Empty(ComponentRules.All(production));
        Assert.Empty(ComponentRules.ScopesMatch(DaprResourceSets.LocalComponents, production));
        Assert.Empty(ComponentRules.UseProductionTypes(production));
    }

    [Fact]
    public void Every_Dapr_resource_is_well_formed_and_the_resiliency_policy_matches_the_local_one()
    {
        var resources = DaprResourceSets.KubernetesBase;
        Assert.All(resources, r => Assert.Empty(r.StructuralProblems()));

        var resiliency = Assert.Single(resources, r => r.Kind == "Resiliency");
        var local = Assert.Single(DaprResourceSets.Local, r => r.Kind == "Resiliency");
        Assert.Equal(DaprNames.Components.Resiliency, resiliency.Name);
        Assert.Equal(local.Scopes.Order(), resiliency.Scopes.Order());
        Assert.Equal(local.Manifest.Node("spec")!.ToString(), resiliency.Manifest.Node("spec")!.ToString());
    }

    [Fact]
    public void Dapr_configuration_traces_and_bounds_workflow_concurrency_per_sidecar()
    {
        var configuration = Assert.Single(DaprResourceSets.KubernetesBase, r => r.Kind == "Configuration" && r.Name == "connector-config").Manifest;

        Assert.NotNull(configuration.Scalar("spec", "tracing", "samplingRate"));
        Assert.False(string.IsNullOrWhiteSpace(configuration.Scalar("spec", "tracing", "otel", "endpointAddress")));
        Assert.InRange(
            int.Parse(configuration.Scalar("spec", "workflow", "maxConcurrentWorkflowInvocations") ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            1,
            1000);
        Assert.InRange(
            int.Parse(configuration.Scalar("spec", "workflow", "maxConcurrentActivityInvocations") ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            1,
            100);
    }

    [Fact]
    public void Dapr_configuration_purges_finished_workflow_instances_after_a_retention()
    {
        // dapr docs "History Retention Policy": spec.workflow.stateRetentionPolicy, Go durations per terminal state.
        var configuration = Assert.Single(DaprResourceSets.KubernetesBase, r => r.Kind == "Configuration" && r.Name == "connector-config").Manifest;

        var retention = new[] { "anyTerminal", "completed", "failed", "terminated" }
            .ToDictionary(state => state, state => GoDuration.Hours(configuration.Scalar("spec", "workflow", "stateRetentionPolicy", state)));

        Assert.All(retention, r => Assert.InRange(r.Value, 1, 24 * 90));
        Assert.True(retention["completed"] <= retention["failed"], "failed runs are kept at least as long as completed ones, for investigation");
    }

    [Fact]
    public void Components_that_reference_secrets_read_them_through_the_connector_secret_store()
    {
        var withSecrets = DaprResourceSets.Components(DaprResourceSets.KubernetesBase).Where(c => c.Metadata.Any(m => m.IsSecretReference)).ToList();

        Assert.NotEmpty(withSecrets);
        Assert.All(DaprResourceSets.KubernetesBase.Where(r => r.Metadata.Any(m => m.IsSecretReference)), r =>
        {
            Assert.Equal(DaprNames.Components.SecretStore, r.AuthSecretStore);
            Assert.All(
                r.Metadata.Where(m => m.IsSecretReference),
                m => Assert.False(string.IsNullOrWhiteSpace(m.SecretKeyRefKey), $"{r.Manifest.Id}: {m.Name} needs secretKeyRef.key"));
        });
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void Each_app_has_one_Deployment_with_its_Dapr_annotations_and_the_alive_path_as_app_health_check(string appId)
    {
        var deployment = Assert.Single(Deployments, d => d.Name == appId);
        var annotations = deployment.Node("spec", "template", "metadata", "annotations");
        string? Annotation(string name) => annotations?.ScalarAt(name);

        Assert.Equal("true", Annotation("dapr.io/enabled"));
        Assert.Equal(appId, Annotation("dapr.io/app-id"));
        Assert.Equal(AppPort, Annotation("dapr.io/app-port"));
        Assert.Equal("http", Annotation("dapr.io/app-protocol"));
        Assert.Equal("true", Annotation("dapr.io/enable-app-health-check"));
        Assert.Equal(AlivePath, Annotation("dapr.io/app-health-check-path"));
        var configuration = Assert.Single(DaprResourceSets.KubernetesBase, r => r.Kind == "Configuration" && r.Name == Annotation("dapr.io/config"));
        Assert.False(
            string.IsNullOrWhiteSpace(configuration.Manifest.Scalar("spec", "tracing", "otel", "endpointAddress")),
            $"{configuration.Manifest.Id}: tracing");
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void Each_app_container_listens_on_the_app_port_and_is_probed_on_alive_and_health(string appId)
    {
        var container = Assert.Single(Assert.Single(Deployments, d => d.Name == appId).Node("spec", "template", "spec", "containers").Items());

        Assert.Contains(container.At("ports").Items(), p => p.ScalarAt("containerPort") == AppPort && p.ScalarAt("name") == "http");
        Assert.Equal(AlivePath, container.ScalarAt("livenessProbe", "httpGet", "path"));
        Assert.Equal(AlivePath, container.ScalarAt("startupProbe", "httpGet", "path"));
        Assert.Equal(HealthPath, container.ScalarAt("readinessProbe", "httpGet", "path"));
        Assert.False(string.IsNullOrWhiteSpace(container.ScalarAt("resources", "requests", "cpu")), "cpu request");
        Assert.False(string.IsNullOrWhiteSpace(container.ScalarAt("resources", "requests", "memory")), "memory request");
        Assert.False(string.IsNullOrWhiteSpace(container.ScalarAt("resources", "limits", "memory")), "memory limit");
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void Each_app_runs_as_non_root_with_a_read_only_root_filesystem(string appId)
    {
        var pod = Assert.Single(Deployments, d => d.Name == appId).Node("spec", "template", "spec")!;
        var container = Assert.Single(pod.At("containers").Items());

        Assert.Equal("true", pod.ScalarAt("securityContext", "runAsNonRoot"));
        Assert.NotEqual("0", pod.ScalarAt("securityContext", "runAsUser"));
        Assert.Equal("true", container.ScalarAt("securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", container.ScalarAt("securityContext", "allowPrivilegeEscalation"));
        Assert.Contains("ALL", container.At("securityContext", "capabilities", "drop").Strings());
        Assert.Contains(container.At("volumeMounts").Items(), v => v.ScalarAt("mountPath") == "/tmp");
    }

    [Fact]
    public void Only_webhook_receiver_is_exposed_by_an_Ingress_and_only_under_webhooks()
    {
        var ingresses = Manifests.Where(m => m.Kind == "Ingress").ToList();
        var backends = ingresses.SelectMany(i => i.Node("spec", "rules").Items())
            .SelectMany(r => r.At("http", "paths").Items())
            .Select(p => (Service: p.ScalarAt("backend", "service", "name"), Path: p.ScalarAt("path")))
            .ToList();

        Assert.NotEmpty(ingresses);
        Assert.All(ingresses, i => Assert.Null(i.Node("spec", "defaultBackend")));
        Assert.NotEmpty(backends);
        Assert.All(backends, b =>
        {
            Assert.Equal(DaprNames.AppIds.WebhookReceiver, b.Service);
            Assert.StartsWith("/webhooks", b.Path, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Services_budgets_and_autoscalers_select_existing_Deployments_and_the_Ingress_a_named_Service_port()
    {
        var podLabels = Deployments.ToDictionary(
            d => d.Name,
            d => d.Node("spec", "template", "metadata", "labels").Entries().ToDictionary(e => e.Key, e => e.Value.ToString()));
        bool SelectsOneDeployment(YamlNode? selector) =>
            selector.Entries().Any()
            && podLabels.Values.Count(labels => selector.Entries().All(e => labels.TryGetValue(e.Key, out var v) && v == e.Value.ToString())) == 1;

        Assert.All(Deployments, d => Assert.True(SelectsOneDeployment(d.Node("spec", "selector", "matchLabels")), $"{d.Id}: selector does not match its pods"));
        Assert.All(
            Manifests.Where(m => m.Kind == "Service"),
            s => Assert.True(SelectsOneDeployment(s.Node("spec", "selector")), $"{s.Id} selects no single Deployment"));
        Assert.All(
            Manifests.Where(m => m.Kind == "PodDisruptionBudget"),
            p => Assert.True(SelectsOneDeployment(p.Node("spec", "selector", "matchLabels")), $"{p.Id} selects no single Deployment"));
        Assert.All(Manifests.Where(m => m.Kind == "HorizontalPodAutoscaler"), h => Assert.Contains(h.Scalar("spec", "scaleTargetRef", "name"), podLabels.Keys));
        var servicePorts = Manifests.Where(m => m.Kind == "Service")
            .SelectMany(s => s.Node("spec", "ports").Items().Select(p => (Service: s.Name, Port: p.ScalarAt("name"))))
            .ToHashSet();
        var ingressBackends = Manifests.Where(m => m.Kind == "Ingress")
            .SelectMany(i => i.Node("spec", "rules").Items()).SelectMany(r => r.At("http", "paths").Items())
            .Select(p => (Service: p.ScalarAt("backend", "service", "name") ?? "", Port: p.ScalarAt("backend", "service", "port", "name")))
            .ToList();
        Assert.NotEmpty(ingressBackends);
        Assert.All(ingressBackends, b => Assert.Contains(b, servicePorts));
    }

    [Fact]
    public void No_Service_is_published_outside_the_cluster()
    {
        var services = Manifests.Where(m => m.Kind == "Service").ToList();

        Assert.Equal(ComponentRules.AppIds.Order(), services.Select(s => s.Name).Order());
        Assert.All(services, s => Assert.Contains(s.Scalar("spec", "type") ?? "ClusterIP", (string[])["ClusterIP"]));
    }

    [Fact]
    public void Annotation_label_and_env_values_are_strings_as_Kubernetes_requires()
    {
        var offending = Manifests
            .SelectMany(m => StringOnlyMaps(m.Root).Select(n => (m, n)))
            .SelectMany(x => x.n.Entries().Where(e => e.Value.IsNonStringPlainScalar()).Select(e => $"{x.m.Id}: '{e.Key}: {e.Value}' must be quoted"))
            .Concat(Manifests.SelectMany(m => EnvLists(m.Root).SelectMany(e => e.Items())
                .Where(i => i.At("value") is { } v && v.IsNonStringPlainScalar())
                .Select(i => $"{m.Id}: env '{i.ScalarAt("name")}' value must be quoted")))
            .ToList();

        Assert.Empty(offending);
    }

    private static IEnumerable<YamlNode> StringOnlyMaps(YamlNode node) =>
        Descendants(node).OfType<YamlMappingNode>()
            .SelectMany(m => m.Entries().Where(e => e.Key is "annotations" or "labels" or "matchLabels" or "stringData").Select(e => e.Value));

    private static IEnumerable<YamlNode> EnvLists(YamlNode node) =>
        Descendants(node).OfType<YamlMappingNode>().SelectMany(m => m.Entries().Where(e => e.Key == "env").Select(e => e.Value));

    private static IEnumerable<YamlNode> Descendants(YamlNode node) =>
        node.AllNodes;
}
