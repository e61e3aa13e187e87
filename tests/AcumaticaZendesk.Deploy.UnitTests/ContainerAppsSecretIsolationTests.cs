using System.Text.Json;
using System.Text.RegularExpressions;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Deploy.UnitTests.Support;
using AcumaticaZendesk.WebhookReceiver.Webhooks;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// Issue 17 finding 8 on Azure Container Apps (what <c>bicep snapshot</c> of the example parameters would deploy): the
/// internet-facing receiver reads only its webhook secrets. Each app has an identity, a vault only that identity reads
/// and a secret store component scoped to it; the identity both apps carry (for state and pub/sub) reads no vault.
/// </summary>
public sealed partial class ContainerAppsSecretIsolationTests(BicepSnapshotFixture fixture) : IClassFixture<BicepSnapshotFixture>
{
    private const string Tenant = "demo";
    private const string KeyVaultType = "secretstores.azure.keyvault";
    private const string StoreNameSetting = "Connectors__Secrets__StoreName";
    private const string SecretsUserRole = "4633458b-17de-408a-b874-0445c86b69e6";

    /// <summary>A role assignment: the resource it is scoped to, the identity (by resource name) and the role id.</summary>
    private sealed record Role(string Scope, string Identity, string RoleId);

    /// <summary>A secret store component: its name, scopes, vault and identity (by resource name).</summary>
    private sealed record Store(string Name, IReadOnlyList<string> Scopes, string Vault, string Identity);

    [GeneratedRegex(@"userAssignedIdentities/(?<name>[^'/]+)'")]
    private static partial Regex IdentityReference();

    [GeneratedRegex(@"^\[extensionResourceId\('(?<scope>[^']+)', 'Microsoft\.Authorization/roleAssignments'")]
    private static partial Regex RoleScope();

    private static void SkipUnlessBicepRuns() =>
        Assert.SkipUnless(BicepCli.Supported, "The Bicep CLI NuGet package ships a linux-x64 binary only.");

    private static string Identity(string expression) => IdentityReference().Match(expression) is { Success: true } m
        ? m.Groups["name"].Value
        : throw new InvalidOperationException($"not a reference to a user-assigned identity: {expression}");

    private IReadOnlyList<Role> Roles =>
    [
        .. fixture.OfType("Microsoft.Authorization/roleAssignments").Select(r => new Role(
            RoleScope().Match(r.GetProperty("id").GetString()!).Groups["scope"].Value,
            Identity(r.GetProperty("properties").GetProperty("principalId").GetString()!),
            r.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.Split('/')[^1])),
    ];

    private IReadOnlyList<Store> SecretStores =>
    [
        .. fixture.OfType("Microsoft.App/managedEnvironments/daprComponents")
            .Where(c => c.GetProperty("properties").GetProperty("componentType").GetString() == KeyVaultType)
            .Select(c =>
            {
                var p = c.GetProperty("properties");
                var metadata = p.GetProperty("metadata").EnumerateArray()
                    .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetString()!);
                return new Store(c.GetProperty("name").GetString()!.Split('/')[^1], [.. p.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!)],
                    metadata["vaultName"], Identity(metadata["azureClientId"]));
            }),
    ];

    private JsonElement App(string appId) =>
        Assert.Single(fixture.OfType("Microsoft.App/containerApps"),
            a => a.GetProperty("properties").GetProperty("configuration").GetProperty("dapr").GetProperty("appId").GetString() == appId);

    private IReadOnlyList<string> IdentitiesOf(string appId) =>
        [.. App(appId).GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject().Select(i => i.Name.Split('/')[^1])];

    /// <summary>The secret store component an app reads: <c>Connectors:Secrets:StoreName</c> if set, else the code's default.</summary>
    private string StoreNameOf(string appId) =>
        App(appId).GetProperty("properties").GetProperty("template").GetProperty("containers")[0].GetProperty("env").EnumerateArray()
            .Where(e => e.GetProperty("name").GetString() == StoreNameSetting).Select(e => e.GetProperty("value").GetString()!)
            .SingleOrDefault() ?? DaprNames.Components.SecretStore;

    private string VaultId(string vault) =>
        Assert.Single(fixture.OfType("Microsoft.KeyVault/vaults"), v => v.GetProperty("name").GetString() == vault).GetProperty("id").GetString()!;

    /// <summary>Roles on the vault itself, on anything in it (a single secret), or on a scope above it (resource group, subscription).</summary>
    private IEnumerable<Role> RolesReaching(string vault) =>
        Roles.Where(r => r.Scope == VaultId(vault) || r.Scope.StartsWith(VaultId(vault) + "/", StringComparison.Ordinal)
            || !r.Scope.Contains("/providers/", StringComparison.Ordinal));

    [Fact]
    public void No_identity_the_receiver_carries_has_any_role_on_the_workers_vault()
    {
        SkipUnlessBicepRuns();
        var workerVault = Assert.Single(SecretStores, s => s.Name == StoreNameOf(DaprNames.AppIds.SyncWorker)).Vault;

        var receiverIdentities = IdentitiesOf(DaprNames.AppIds.WebhookReceiver);

        Assert.NotEmpty(receiverIdentities);
        Assert.DoesNotContain(RolesReaching(workerVault), r => receiverIdentities.Contains(r.Identity));
    }

    [Fact]
    public void Each_app_reads_a_secret_store_scoped_to_it_alone_with_an_identity_only_it_carries_that_alone_reads_the_vault()
    {
        SkipUnlessBicepRuns();

        foreach (var appId in ComponentRules.AppIds)
        {
            var store = Assert.Single(SecretStores, s => s.Name == StoreNameOf(appId));
            Assert.Equal([appId], store.Scopes);
            Assert.Contains(store.Identity, IdentitiesOf(appId));
            Assert.All(ComponentRules.AppIds.Where(other => other != appId), other => Assert.DoesNotContain(store.Identity, IdentitiesOf(other)));
            Assert.Equal(new[] { (store.Identity, SecretsUserRole) }, RolesReaching(store.Vault).Select(r => (r.Identity, r.RoleId)));
        }

        Assert.Equal(DaprNames.Components.SecretStore, StoreNameOf(DaprNames.AppIds.SyncWorker));
        Assert.Equal(ComponentRules.AppIds.Count, SecretStores.Count);
    }

    [Fact]
    public void The_identity_both_apps_carry_reads_no_vault_and_each_app_identity_only_its_vault_and_the_registry()
    {
        SkipUnlessBicepRuns();
        var shared = IdentitiesOf(DaprNames.AppIds.SyncWorker).Intersect(IdentitiesOf(DaprNames.AppIds.WebhookReceiver)).ToList();

        Assert.All(
            shared,
            identity => Assert.DoesNotContain(Roles, r => r.Identity == identity && r.Scope.Contains("/Microsoft.KeyVault/", StringComparison.Ordinal)));
        foreach (var appId in ComponentRules.AppIds)
        {
            var own = IdentitiesOf(appId).Except(shared).ToList();
            var vault = Assert.Single(SecretStores, s => s.Name == StoreNameOf(appId)).Vault;
            Assert.All(Roles.Where(r => own.Contains(r.Identity)), r =>
                Assert.True(r.Scope == VaultId(vault) || r.Scope.Contains("/Microsoft.ContainerRegistry/registries/", StringComparison.Ordinal),
                    $"{r.Identity} ({appId}) has role {r.RoleId} on {r.Scope}"));
        }
    }

    [Fact]
    public void The_receivers_vault_is_to_hold_only_secrets_the_receiver_reads_and_the_workers_vault_none_of_them()
    {
        SkipUnlessBicepRuns();
        var reads = ReceiverSecretNames.For(Tenant).Select(n => n.Replace(":", "--", StringComparison.Ordinal)).ToList();
        var receiverVault = Assert.Single(SecretStores, s => s.Name == StoreNameOf(DaprNames.AppIds.WebhookReceiver)).Vault;

        Assert.Equal(receiverVault, fixture.Outputs.GetProperty("webhookKeyVaultName").GetString());
        var inReceiverVault = Names("webhookKeyVaultSecretsToCreate");
        Assert.Contains(Key(ReceiverSecretNames.ZendeskSigning(Tenant).Current), inReceiverVault);
        Assert.Contains(Key(ReceiverSecretNames.AcumaticaPush(Tenant).Current), inReceiverVault);
        Assert.All(inReceiverVault, n => Assert.Contains(n, reads));
        Assert.Empty(Names("keyVaultSecretsToCreate").Intersect(reads));
    }

    private static string Key(string name) => name.Replace(":", "--", StringComparison.Ordinal);

    private IReadOnlyList<string> Names(string output) =>
        fixture.Outputs.TryGetProperty(output, out var list) ? [.. list.EnumerateArray().Select(n => n.GetString()!)] : [];
}
