using System.Text.Json;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Deploy.UnitTests.Support;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>dapr.yaml and components/ (local, self-hosted) agree with <see cref="DaprNames"/>.</summary>
public sealed class LocalComponentsTests
{
    private static IEnumerable<string> LeafKeys(JsonElement element, string separator, string prefix = "") =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().SelectMany(p => LeafKeys(p.Value, separator, prefix.Length == 0 ? p.Name : prefix + separator + p.Name))
            : [prefix];

    public static TheoryData<string> ComponentFiles =>
        [.. RepoPaths.YamlFiles(RepoPaths.Components).Select(RepoPaths.Relative)];

    [Fact]
    public void Dapr_run_file_parses_and_runs_both_apps_with_the_liveness_path_as_app_health_check()
    {
        var run = Assert.Single(YamlManifest.Load(RepoPaths.DaprRunFile));

        var resourcePaths = run.Node("common", "resourcesPaths").Strings();
        Assert.Contains(resourcePaths, p => Path.GetFullPath(Path.Combine(RepoPaths.Root, p)) == Path.GetFullPath(RepoPaths.Components));
        var apps = run.Node("apps").Items().ToDictionary(a => a.ScalarAt("appID") ?? "", a => a);
        foreach (var appId in ComponentRules.AppIds)
        {
            Assert.True(apps.TryGetValue(appId, out var app), $"dapr.yaml has no app '{appId}'");
            Assert.True(Directory.Exists(RepoPaths.Combine(app.ScalarAt("appDirPath") ?? "")), $"appDirPath of '{appId}' does not exist");
            Assert.Equal("true", app.ScalarAt("enableAppHealthCheck"));
            Assert.Equal(ServiceDefaults.ServiceDefaultsExtensions.AlivePath, app.ScalarAt("appHealthCheckPath"));
        }
    }

    [Theory]
    [MemberData(nameof(ComponentFiles))]
    public void Every_file_in_components_is_one_well_formed_Dapr_resource(string file)
    {
        var manifest = Assert.Single(YamlManifest.Load(RepoPaths.Combine(file)));
        var resource = new DaprResource(manifest);

        Assert.True(DaprResource.IsDapr(manifest), $"{file}: apiVersion is '{manifest.ApiVersion}'");
        Assert.Contains(resource.Kind, (string[])["Component", "Resiliency"]);
        Assert.Empty(resource.StructuralProblems());
    }

    [Fact]
    public void The_sqlite_state_store_deletes_expired_rows()
    {
        // state.sqlite's cleanupInterval defaults to 0, which disables the collection of expired (TTL) rows
        // (components-contrib state/sqlite/sqlite_metadata.go).
        var state = DaprResourceSets.LocalComponents.Single(c => c.Name == DaprNames.Components.StateStore);

        Assert.Equal("state.sqlite", state.Type);
        var interval = state.Metadata.SingleOrDefault(m => m.Name == "cleanupInterval")?.Value;
        Assert.True(interval is not null, "connector-state sets no cleanupInterval");
        Assert.Matches("^[1-9][0-9]*(s|m|h)$", interval);
    }

    [Fact]
    public void The_run_file_says_what_a_plain_dapr_run_needs_first()
    {
        var header = File.ReadAllText(RepoPaths.DaprRunFile);

        Assert.Contains("secrets.local.json", header, StringComparison.Ordinal);
        Assert.Contains(".data", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Component_names_in_code_and_in_yaml_are_the_same_set()
    {
        Assert.Empty(ComponentRules.NamesMatchCode(DaprResourceSets.LocalComponents));
    }

    [Fact]
    public void Every_component_and_the_resiliency_policy_are_scoped_to_known_apps()
    {
        var resources = DaprResourceSets.Local.Select(r => (r.Manifest.Id, r.Scopes)).ToList();

        Assert.NotEmpty(resources);
        Assert.Empty(ComponentRules.ScopedToKnownApps(resources));
    }

    [Fact]
    public void Cron_binding_is_scoped_to_sync_worker_only()
    {
        Assert.Empty(ComponentRules.CronIsScopedToSyncWorkerOnly(DaprResourceSets.LocalComponents));
    }

    [Fact]
    public void State_store_is_the_only_actor_state_store()
    {
        Assert.Empty(ComponentRules.StateStoreIsTheOnlyActorStore(DaprResourceSets.LocalComponents));
    }

    [Fact]
    public void Resiliency_policy_has_the_code_name_and_targets_only_declared_components()
    {
        var resiliency = Assert.Single(DaprResourceSets.Local, r => r.Kind == "Resiliency");

        Assert.Equal(DaprNames.Components.Resiliency, resiliency.Name);
        Assert.All(resiliency.Manifest.Node("spec", "targets", "components").Keys(),
            target => Assert.Contains(target, DaprNames.Components.All));
    }

    [Fact]
    public void Secret_sample_parses_and_every_key_maps_to_a_name_Kubernetes_and_Key_Vault_accept()
    {
        var store = Assert.Single(DaprResourceSets.Local, r => r.Name == DaprNames.Components.SecretStore);
        var separator = store.MetadataValue("nestedSeparator");
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Components, "secrets.sample.json")));

        var keys = LeafKeys(sample.RootElement, separator ?? ":").ToList();

        Assert.Equal("secretstores.local.file", store.Type);
        Assert.EndsWith("components/secrets.local.json", store.MetadataValue("secretsFile"), StringComparison.Ordinal);
        Assert.NotEmpty(keys);
        Assert.All(keys.Select(k => k.Replace(separator ?? ":", "--", StringComparison.Ordinal)),
            name => Assert.True(SecretLikeNames.IsValidProductionSecretName(name), $"'{name}' is not a valid Kubernetes/Key Vault secret name"));
    }

    [Fact]
    public void Pub_sub_crosses_app_ids_so_it_is_not_in_memory()
    {
        var pubSub = Assert.Single(DaprResourceSets.LocalComponents, c => c.Name == DaprNames.Components.PubSub);

        Assert.NotEqual("pubsub.in-memory", pubSub.Type);
        Assert.Equal(ComponentRules.AppIds.Order(), pubSub.Scopes.Order());
    }
}
