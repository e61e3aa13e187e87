using AcumaticaZendesk.Deploy.UnitTests.Support;

namespace AcumaticaZendesk.Deploy.UnitTests;

/// <summary>
/// The workflow (actor) state store of every environment is one Dapr runs workflows on. daprd saves each workflow step
/// as one actor transaction, and a ContinueAsNew deletes the whole previous history in it
/// (dapr <c>pkg/runtime/wfengine/state/state.go</c> <c>GetSaveRequest</c>); Cosmos DB refuses a transaction of more than
/// 100 operations (components-contrib <c>state/azure/cosmosdb/cosmosdb.go</c> <c>MultiMaxSize</c>, checked by dapr
/// <c>pkg/actors/state/state.go</c>), so a generation of <c>PagesPerExecution</c> pages could never continue, and Dapr's
/// docs do not support it for workflows. The stores the project runs on: PostgreSQL v2 and Redis in production, SQLite
/// on one machine.
/// </summary>
public sealed class WorkflowStateStoreTests(BicepSnapshotFixture fixture) : IClassFixture<BicepSnapshotFixture>
{
    private static readonly string[] ProductionWorkflowStores = ["state.postgresql", "state.redis"];

    [Fact]
    public void The_local_actor_store_is_SQLite()
    {
        Assert.Equal("state.sqlite", ActorStore(DaprResourceSets.LocalComponents).Type);
    }

    [Fact]
    public void The_Kubernetes_actor_store_is_a_workflow_store()
    {
        Assert.Contains(ActorStore(DaprResourceSets.Components(DaprResourceSets.KubernetesBase)).Type, ProductionWorkflowStores);
    }

    [Fact]
    public void The_Container_Apps_actor_store_is_a_workflow_store_and_not_Cosmos_DB()
    {
        Assert.SkipUnless(BicepCli.Supported, "The Bicep CLI NuGet package ships a linux-x64 binary only.");
        var components = fixture.OfType("Microsoft.App/managedEnvironments/daprComponents").Select(c =>
        {
            var p = c.GetProperty("properties");
            return new ComponentView(
                "bicep",
                c.GetProperty("name").GetString()!.Split('/')[^1],
                p.GetProperty("componentType").GetString()!,
                [],
                [.. p.GetProperty("metadata").EnumerateArray().Select(m => new DaprMetadataItem(
                    m.GetProperty("name").GetString()!, m.TryGetProperty("value", out var v) ? v.GetString() : null, null, null, null))]);
        }).ToList();

        var store = ActorStore(components);

        Assert.Contains(store.Type, ProductionWorkflowStores);
        Assert.Equal("true", store.Metadata.Single(m => m.Name == "useAzureAD").Value);
        Assert.Empty(fixture.OfType("Microsoft.DocumentDB/databaseAccounts"));
    }

    private static ComponentView ActorStore(IReadOnlyList<ComponentView> components) =>
        Assert.Single(
            components,
            c => string.Equals(c.Metadata.FirstOrDefault(m => m.Name == "actorStateStore")?.Value, "true", StringComparison.OrdinalIgnoreCase));
}
