using System.Text.Json;

namespace AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;

/// <summary>The vendored samples under tests/specs (linked into specs/ of the output; see tests/specs/README.md).</summary>
internal static class Fixtures
{
    private static readonly Lazy<JsonDocument> Samples = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "specs", "acumatica-sample-payloads.json"))));

    public static string SpecPath => Path.Combine(AppContext.BaseDirectory, "specs", "acumatica-default-24.200.001-openapi.json");

    public static JsonElement Sample(string name) => Samples.Value.RootElement.GetProperty("samples").GetProperty(name);
}
