using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

[assembly: AssemblyFixture(typeof(AcumaticaZendesk.Zendesk.IntegrationTests.ZendeskSpec))]

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>
/// The official Zendesk Support OpenAPI document (tests/specs/zendesk-support-oas.yaml), loaded once per run,
/// serialized as OpenAPI 3.1 and registered in JsonSchema.Net (Draft 2020-12) so request bodies can be checked
/// against operation schemas and components (see shared docs: contract-testing.md).
/// </summary>
public sealed class ZendeskSpec : IAsyncLifetime
{
    private static readonly Uri BaseUri = new("https://contracts.invalid/zendesk.json");
    private readonly BuildOptions _build = new() { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private OpenApiDocument? _document;

    public async ValueTask InitializeAsync()
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        var (document, _) = await OpenApiDocument.LoadAsync(Path.Combine(AppContext.BaseDirectory, "specs", "zendesk-support-oas.yaml"), settings);
        _document = document ?? throw new InvalidOperationException("The Zendesk OpenAPI document did not load.");
        using var text = new StringWriter();
        _document.SerializeAsV31(new OpenApiJsonWriter(text));
        JsonSchema.FromText(text.ToString(), _build, BaseUri);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The request-body schema an operation declares, or null when it declares none.</summary>
    internal JsonSchema? RequestSchema(HttpMethod method, string path)
    {
        var schema = Operation(method, path).RequestBody?.Content?["application/json"].Schema;
        return schema is null ? null : Resolved(schema);
    }

    /// <summary>Whether the spec has the operation at all (guards composed envelopes against a renamed path).</summary>
    internal bool HasOperation(HttpMethod method, string path) =>
        _document!.Paths.TryGetValue(path, out var item) && item.Operations?.ContainsKey(method) == true;

    /// <summary>Whether the operation declares a query parameter <paramref name="name"/>, and whether it is required.</summary>
    internal (bool Declared, bool Required) QueryParameter(HttpMethod method, string path, string name) =>
        Operation(method, path).Parameters?.FirstOrDefault(p => p.In == ParameterLocation.Query && p.Name == name) is { } parameter
            ? (true, parameter.Required)
            : (false, false);

    /// <summary>The JSON schema of an operation's <paramref name="status"/> answer.</summary>
    internal JsonSchema ResponseSchema(HttpMethod method, string path, string status) =>
        Resolved(Operation(method, path).Responses![status].Content!["application/json"].Schema!);

    /// <summary>The spec's example of an operation's <paramref name="status"/> answer (its first example), as JSON.</summary>
    internal string ResponseExample(HttpMethod method, string path, string status) =>
        Operation(method, path).Responses![status].Content!["application/json"].Examples!.Values.First().Value!.ToJsonString();

    /// <summary>A schema written against the spec's components, e.g.
    /// <c>{"type":"object","properties":{"identity":{"$ref":"#/components/schemas/UserIdentityInput"}}}</c>.</summary>
    internal JsonSchema Composed(string json) => Schema(json.Replace("\"#/components/", $"\"{BaseUri}#/components/", StringComparison.Ordinal));

    /// <summary>One line per validation error (JSON pointer, keyword, message); empty when valid.</summary>
    internal static IReadOnlyList<string> Validate(JsonSchema schema, string body)
    {
        using var document = JsonDocument.Parse(body);
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid ? [] : [.. (result.Details ?? [result])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    /// <summary>An operation's schema, serialized as OpenAPI 3.1 with its component references made absolute.</summary>
    private JsonSchema Resolved(IOpenApiSchema schema)
    {
        using var text = new StringWriter();
        schema.SerializeAsV31(new OpenApiJsonWriter(text));
        return Composed(text.ToString());
    }

    private OpenApiOperation Operation(HttpMethod method, string path) =>
        _document!.Paths[path].Operations![method];

    private JsonSchema Schema(string json) => _schemas.GetOrAdd(json, j => JsonSchema.FromText(j, _build));
}
