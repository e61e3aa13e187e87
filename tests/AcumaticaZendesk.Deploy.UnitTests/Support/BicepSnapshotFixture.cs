using System.Text.Json;

namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>Runs <c>bicep snapshot</c> of the example parameters once for all Container Apps tests.</summary>
public sealed class BicepSnapshotFixture : IAsyncLifetime
{
    public const string ParametersFile = "main.example.bicepparam";

    private JsonDocument? snapshot;

    internal IReadOnlyList<JsonElement> Resources { get; private set; } = [];

    /// <summary>The template's outputs as the snapshot evaluates them (values it cannot know stay expressions).</summary>
    internal JsonElement Outputs { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!BicepCli.Supported)
        {
            return;
        }

        snapshot = await BicepCli.SnapshotAsync(ParametersFile, TestContext.Current.CancellationToken);
        Resources = [.. snapshot.RootElement.GetProperty("predictedResources").EnumerateArray()];
        Outputs = snapshot.RootElement.GetProperty("outputs");
    }

    public ValueTask DisposeAsync()
    {
        snapshot?.Dispose();
        return ValueTask.CompletedTask;
    }

    internal IReadOnlyList<JsonElement> OfType(string type) =>
        [.. Resources.Where(r => r.GetProperty("type").GetString() == type)];
}
