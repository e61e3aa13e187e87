using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using AcumaticaZendesk.WebhookReceiver.Webhooks;
using YamlDotNet.RepresentationModel;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// Issue 17 finding 8 in deploy/kubernetes: the internet-facing receiver reads only its webhook secrets (Dapr secret
/// scoping and RBAC), the sidecar-only routes of sync-worker need Dapr's app API token, and NetworkPolicies decide
/// who reaches the pods.
/// </summary>
public sealed class ClusterIsolationTests
{
    private const string Example = "demo";

    private static IReadOnlyList<YamlManifest> Manifests => DaprResourceSets.Kubernetes;

    /// <summary>The names the receiver reads (its endpoints take them from <see cref="ReceiverSecretNames"/>), as store keys.</summary>
    private static string[] ReceiverSecretKeys => [.. ReceiverSecretNames.For(Example).Select(Key)];

    private static string Key(string name) => name.Replace(":", "--", StringComparison.Ordinal);

    private static YamlNode Annotations(string deployment) =>
        Assert.Single(Manifests, m => m.Kind == "Deployment" && m.Name == deployment).Node("spec", "template", "metadata", "annotations")!;

    private static YamlManifest Base(string kind, string name) =>
        Assert.Single(Manifests, m => m.Kind == kind && m.Name == name && m.File.Contains("/base/", StringComparison.Ordinal));

    [Fact]
    public void The_receiver_sidecar_may_read_only_the_webhook_secrets_and_nothing_from_the_builtin_store()
    {
        var config = Base("Configuration", Annotations(DaprNames.AppIds.WebhookReceiver).ScalarAt("dapr.io/config")!);
        var scopes = config.Node("spec", "secrets", "scopes").Items();

        var store = Assert.Single(scopes, s => s.ScalarAt("storeName") == DaprNames.Components.SecretStore);
        Assert.Equal("deny", store.ScalarAt("defaultAccess"));
        Assert.Equal(ReceiverSecretKeys.Order(StringComparer.Ordinal), store.At("allowedSecrets").Strings().Order(StringComparer.Ordinal));
        Assert.Equal("deny", Assert.Single(scopes, s => s.ScalarAt("storeName") == "kubernetes").ScalarAt("defaultAccess"));
        Assert.Equal("true", Annotations(DaprNames.AppIds.WebhookReceiver).ScalarAt("dapr.io/disable-builtin-k8s-secret-store"));
        Assert.NotEqual(config.Name, Annotations(DaprNames.AppIds.SyncWorker).ScalarAt("dapr.io/config"));
    }

    [Fact]
    public void The_receiver_service_account_may_get_only_its_named_secrets_and_never_list()
    {
        var rbac = Manifests.Where(m => m.File.EndsWith("/base/rbac.yaml", StringComparison.Ordinal)).ToList();
        var receiverRoles = rbac.Where(m => m.Kind == "RoleBinding"
                && m.Node("subjects").Items().Any(s => s.ScalarAt("name") == DaprNames.AppIds.WebhookReceiver))
            .Select(b => Assert.Single(rbac, r => r.Kind == "Role" && r.Name == b.Scalar("roleRef", "name")))
            .ToList();

        var role = Assert.Single(receiverRoles);
        var rule = Assert.Single(role.Node("rules").Items());
        Assert.Equal(["secrets"], rule.At("resources").Strings());
        Assert.Equal(["get"], rule.At("verbs").Strings());
        Assert.Equal(ReceiverSecretKeys.Order(StringComparer.Ordinal), rule.At("resourceNames").Strings().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_sync_worker_sidecar_sends_the_app_api_token_from_a_secret_the_example_documents()
    {
        var secretName = Annotations(DaprNames.AppIds.SyncWorker).ScalarAt("dapr.io/app-token-secret");

        Assert.False(string.IsNullOrWhiteSpace(secretName));
        var example = YamlManifest.Load(Path.Combine(RepoPaths.Root, "deploy", "kubernetes", "secret.example.yaml"));
        Assert.Contains(example, m => m.Kind == "Secret" && m.Name == secretName && m.Node("stringData", "token") is not null);
    }

    [Fact]
    public void Network_policies_deny_by_default_and_open_only_the_receiver_to_the_ingress_and_the_worker_to_itself_and_operators()
    {
        var policies = Manifests.Where(m => m.Kind == "NetworkPolicy" && m.File.Contains("/base/", StringComparison.Ordinal)).ToList();

        Assert.Single(policies, p => !p.Node("spec", "podSelector").Keys().Any() && p.Node("spec", "ingress") is null
            && p.Node("spec", "policyTypes").Strings().SequenceEqual(["Ingress"]));

        var receiver = Assert.Single(
            policies,
            p => p.Scalar("spec", "podSelector", "matchLabels", "app.kubernetes.io/name") == DaprNames.AppIds.WebhookReceiver);
        var receiverRule = Assert.Single(receiver.Node("spec", "ingress").Items());
        Assert.Equal(["8080"], receiverRule.At("ports").Items().Select(p => p.ScalarAt("port") ?? "").ToList());
        Assert.All(receiverRule.At("from").Items(), f => Assert.NotNull(f.At("namespaceSelector", "matchLabels")));

        var worker = Assert.Single(policies, p => p.Scalar("spec", "podSelector", "matchLabels", "app.kubernetes.io/name") == DaprNames.AppIds.SyncWorker);
        Assert.All(worker.Node("spec", "ingress").Items().SelectMany(r => r.At("from").Items()), f =>
            Assert.True(
                f.ScalarAt("podSelector", "matchLabels", "app.kubernetes.io/name") == DaprNames.AppIds.SyncWorker
                    || f.At("namespaceSelector", "matchLabels") is not null,
                "sync-worker is reachable only from its own replicas and labelled namespaces"));

        var egress = Assert.Single(policies, p => p.Node("spec", "policyTypes").Strings().SequenceEqual(["Egress"]));
        Assert.Contains(
            "169.254.169.254/32",
            egress.Node("spec", "egress").Items().SelectMany(r => r.At("to").Items()).SelectMany(t => t.At("ipBlock", "except").Strings()));
    }
}
