using System.Text.Json;
using System.Text.RegularExpressions;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using static AcumaticaZendesk.ServiceDefaults.ServiceDefaultsExtensions;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// deploy/azure-container-apps: compiles with no diagnostic, and what it would deploy (evaluated by
/// <c>bicep snapshot</c>, offline) agrees with the code's Dapr names and the local components.
/// </summary>
public sealed partial class AzureContainerAppsTests(BicepSnapshotFixture fixture) : IClassFixture<BicepSnapshotFixture>
{
    private const string ContainerApps = "Microsoft.App/containerApps";
    private const string DaprComponents = "Microsoft.App/managedEnvironments/daprComponents";

    [GeneratedRegex(@"^\s*param\s+(?<name>\w+)\s*=", RegexOptions.Multiline)]
    private static partial Regex ParamAssignment();

    private IReadOnlyList<ComponentView> Components =>
    [
        .. fixture.OfType(DaprComponents).Select(c =>
        {
            var name = c.GetProperty("name").GetString()!.Split('/')[^1];
            var p = c.GetProperty("properties");
            return new ComponentView(
                $"bicep:{name}",
                name,
                p.GetProperty("componentType").GetString()!,
                [.. p.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!)],
                [.. p.GetProperty("metadata").EnumerateArray().Select(m => new DaprMetadataItem(
                    m.GetProperty("name").GetString()!,
                    m.TryGetProperty("value", out var v) ? v.GetString() : null,
                    m.TryGetProperty("secretRef", out var s) ? s.GetString() : null,
                    null,
                    null))]);
        }),
    ];

    private string ReceiverSecretStoreName =>
        App(DaprNames.AppIds.WebhookReceiver).GetProperty("properties").GetProperty("template").GetProperty("containers")[0].GetProperty("env").EnumerateArray()
            .Single(e => e.GetProperty("name").GetString() == "Connectors__Secrets__StoreName").GetProperty("value").GetString()!;

    private static void SkipUnlessBicepRuns() =>
        Assert.SkipUnless(BicepCli.Supported, "The Bicep CLI NuGet package ships a linux-x64 binary only.");

    private JsonElement App(string appId) =>
        Assert.Single(
            fixture.OfType(ContainerApps),
            a => a.GetProperty("properties").GetProperty("configuration").GetProperty("dapr").GetProperty("appId").GetString() == appId);

    [Fact]
    public async Task Template_and_example_parameters_compile_without_any_diagnostic()
    {
        SkipUnlessBicepRuns();
        var ct = TestContext.Current.CancellationToken;

        var build = await BicepCli.RunAsync(RepoPaths.AzureContainerApps, ["build", "main.bicep", "--stdout", "--no-restore"], ct);
        var buildParams = await BicepCli.RunAsync(
            RepoPaths.AzureContainerApps,
            ["build-params", BicepSnapshotFixture.ParametersFile, "--stdout", "--no-restore"],
            ct);

        Assert.Equal((0, ""), (build.ExitCode, build.StandardError.Trim()));
        Assert.Equal((0, ""), (buildParams.ExitCode, buildParams.StandardError.Trim()));
        using var arm = JsonDocument.Parse(build.StandardOutput);
        Assert.Equal("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", arm.RootElement.GetProperty("$schema").GetString());
    }

    [Fact]
    public void Dapr_components_have_the_code_names_the_local_scopes_and_Azure_types()
    {
        SkipUnlessBicepRuns();
        // Container Apps has one component per name and identity, so the receiver reads a secret store of its own
        // (ContainerAppsSecretIsolationTests); every other component has the code's name and the local scopes.
        var receiverStore = ReceiverSecretStoreName;
        var components = Components.Where(c => c.Name != receiverStore).ToList();

        Assert.NotEqual(DaprNames.Components.SecretStore, receiverStore);
        Assert.Empty(ComponentRules.All(components));
        Assert.Empty(ComponentRules.ScopesMatch(DaprResourceSets.LocalComponents, components.Where(c => c.Name != DaprNames.Components.SecretStore).ToList()));
        Assert.Equal([DaprNames.AppIds.SyncWorker], components.Single(c => c.Name == DaprNames.Components.SecretStore).Scopes);
        Assert.Empty(ComponentRules.UseProductionTypes(components));
        Assert.Equal("secretstores.azure.keyvault", components.Single(c => c.Name == DaprNames.Components.SecretStore).Type);
        Assert.Equal("pubsub.azure.servicebus.topics", components.Single(c => c.Name == DaprNames.Components.PubSub).Type);
        Assert.Equal("state.postgresql", components.Single(c => c.Name == DaprNames.Components.StateStore).Type);
    }

    [Fact]
    public void Resiliency_policies_carry_the_code_name_and_cover_the_components_the_local_policy_targets()
    {
        SkipUnlessBicepRuns();
        var local = Assert.Single(DaprResourceSets.Local, r => r.Kind == "Resiliency");

        var policies = fixture.OfType(DaprComponents + "/resiliencyPolicies")
            .Select(p => p.GetProperty("name").GetString()!.Split('/'))
            .ToList();

        Assert.All(policies, p => Assert.Equal(DaprNames.Components.Resiliency, p[^1]));
        Assert.Equal(local.Manifest.Node("spec", "targets", "components").Keys().Order(), policies.Select(p => p[^2]).Order());
    }

    [Fact]
    public void Dapr_component_metadata_holds_no_secret_literal()
    {
        SkipUnlessBicepRuns();

        // One exception: a PostgreSQL connection string that signs in with an Entra token (useAzureAD) holds no password.
        var literals = Components.SelectMany(c => c.Metadata
            .Where(m => SecretLikeNames.IsSecretLike(m.Name) && !m.IsSecretReference && !IsPasswordlessEntraConnection(c, m))
            .Select(m => $"{c.Source}: '{m.Name}' is a literal; use secretRef"));

        Assert.Empty(literals);
        Assert.All(Components.Where(c => c.Type.Contains("azure", StringComparison.Ordinal)),
            c => Assert.Contains(c.Metadata, m => m.Name == "azureClientId"));
    }

    private static bool IsPasswordlessEntraConnection(ComponentView component, DaprMetadataItem item) =>
        component.Type == "state.postgresql" && item.Name == "connectionString"
        && component.Metadata.Any(m => m.Name == "useAzureAD" && m.Value == "true")
        && item.Value is { } value && !value.Contains("password", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Both_apps_run_with_Dapr_on_port_8080_and_are_probed_on_alive_and_health()
    {
        SkipUnlessBicepRuns();

        Assert.Equal(2, fixture.OfType(ContainerApps).Count);
        foreach (var appId in ComponentRules.AppIds)
        {
            var properties = App(appId).GetProperty("properties");
            var dapr = properties.GetProperty("configuration").GetProperty("dapr");
            var probes = properties.GetProperty("template").GetProperty("containers")[0].GetProperty("probes").EnumerateArray()
                .ToDictionary(p => p.GetProperty("type").GetString()!, p => p.GetProperty("httpGet").GetProperty("path").GetString());

            Assert.True(dapr.GetProperty("enabled").GetBoolean());
            Assert.Equal(8080, dapr.GetProperty("appPort").GetInt32());
            Assert.Equal("http", dapr.GetProperty("appProtocol").GetString());
            Assert.Equal(AlivePath, probes["Liveness"]);
            Assert.Equal(AlivePath, probes["Startup"]);
            Assert.Equal(HealthPath, probes["Readiness"]);
        }
    }

    [Fact]
    public void The_cron_binding_fires_at_the_start_of_every_slot_of_the_sync_worker_interval_both_from_one_parameter()
    {
        SkipUnlessBicepRuns();
        var schedule = Components.Single(c => c.Name == DaprNames.Components.SyncCron).Metadata.Single(m => m.Name == "schedule").Value!;
        var env = App(DaprNames.AppIds.SyncWorker).GetProperty("properties").GetProperty("template").GetProperty("containers")[0].GetProperty("env");
        var interval = env.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "SyncSchedule__Interval").GetProperty("value").GetString()!;

        Assert.Empty(CronAgreement.Problems("bicep:sync-cron", schedule, TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(File.ReadAllLines(RepoPaths.Combine("deploy", "azure-container-apps", BicepSnapshotFixture.ParametersFile)),
            l => l.Contains("syncSchedule", StringComparison.Ordinal));
    }

    [Fact]
    public void Sync_worker_purges_finished_workflow_instances_itself_after_the_Kubernetes_policy_retention()
    {
        // Container Apps has no Dapr Configuration resource for spec.workflow.stateRetentionPolicy: the worker purges.
        SkipUnlessBicepRuns();
        var env = App(DaprNames.AppIds.SyncWorker).GetProperty("properties").GetProperty("template").GetProperty("containers")[0].GetProperty("env")
            .EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString());
        Assert.Equal("true", env.GetValueOrDefault("WorkflowRetention__Enabled"));

        // Same durations as the Kubernetes policy (the options' defaults, which the Bicep does not override).
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("WorkflowRetention__", StringComparison.Ordinal) && k != "WorkflowRetention__Enabled");
        var policy = Assert.Single(DaprResourceSets.KubernetesBase, r => r.Kind == "Configuration" && r.Name == "connector-config").Manifest;
        var defaults = new SyncWorker.Retention.WorkflowRetentionOptions();
        Assert.False(defaults.Enabled, "off by default: where the runtime takes a retention policy, daprd purges");
        Assert.Equal(GoDuration.Hours(policy.Scalar("spec", "workflow", "stateRetentionPolicy", "completed")), defaults.Completed.TotalHours);
        Assert.Equal(GoDuration.Hours(policy.Scalar("spec", "workflow", "stateRetentionPolicy", "failed")), defaults.FailedOrTerminated.TotalHours);
        Assert.Equal(GoDuration.Hours(policy.Scalar("spec", "workflow", "stateRetentionPolicy", "terminated")), defaults.FailedOrTerminated.TotalHours);
        Assert.DoesNotContain(
            "WorkflowRetention",
            File.ReadAllText(RepoPaths.Combine("deploy", "kubernetes", "base", "sync-worker", "deployment.yaml")),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Only_webhook_receiver_has_external_ingress()
    {
        SkipUnlessBicepRuns();

        var external = fixture.OfType(ContainerApps)
            .Where(a => a.GetProperty("properties").GetProperty("configuration").TryGetProperty("ingress", out var i)
                && i.ValueKind == JsonValueKind.Object && i.GetProperty("external").GetBoolean())
            .Select(a => a.GetProperty("properties").GetProperty("configuration").GetProperty("dapr").GetProperty("appId").GetString());

        Assert.Equal([DaprNames.AppIds.WebhookReceiver], external);
    }

    [Fact]
    public void Sync_worker_never_scales_to_zero_because_the_cron_binding_needs_a_running_replica()
    {
        SkipUnlessBicepRuns();

        var scale = App(DaprNames.AppIds.SyncWorker).GetProperty("properties").GetProperty("template").GetProperty("scale");

        Assert.True(scale.GetProperty("minReplicas").GetInt32() >= 1);
    }

    [Fact]
    public void Apps_pull_and_authenticate_with_the_user_assigned_identity()
    {
        SkipUnlessBicepRuns();

        Assert.All(fixture.OfType(ContainerApps), a => Assert.Equal("UserAssigned", a.GetProperty("identity").GetProperty("type").GetString()));
        // One per app and one for the components both apps load.
        Assert.Equal(3, fixture.OfType("Microsoft.ManagedIdentity/userAssignedIdentities").Count);
        Assert.Single(fixture.OfType("Microsoft.OperationalInsights/workspaces"));
    }

    [Fact]
    public void Parameter_files_set_no_secret()
    {
        var assignments = Directory.EnumerateFiles(RepoPaths.AzureContainerApps, "*.bicepparam", SearchOption.AllDirectories)
            .SelectMany(f => ParamAssignment().Matches(File.ReadAllText(f)).Select(m => (File: RepoPaths.Relative(f), Name: m.Groups["name"].Value)))
            .ToList();

        Assert.NotEmpty(assignments);
        Assert.DoesNotContain(assignments, a => SecretLikeNames.IsSecretLike(a.Name));
    }
}
