using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

[assembly: AssemblyFixture(typeof(AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure.AcumaticaSpec))]

namespace AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;

/// <summary>
/// The vendored Default/24.200.001 OpenAPI document, loaded once: re-serialized as OpenAPI 3.1 and registered
/// with JsonSchema.Net (Draft 2020-12) so each component can be used as a JSON Schema (see docs/contract-testing).
/// </summary>
public sealed class AcumaticaSpec : IAsyncLifetime
{
    private static readonly Uri BaseUri = new("https://contracts.invalid/acumatica-default-24.200.001.json");
    private readonly ConcurrentDictionary<(string, bool), JsonSchema> _schemas = new();
    private BuildOptions _build = null!;
    private JsonDocument _raw = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = new OpenApiReaderSettings { RuleSet = Microsoft.OpenApi.ValidationRuleSet.GetEmptyRuleSet() };
        var result = await OpenApiDocument.LoadAsync(Fixtures.SpecPath, settings);
        var document = result.Document ?? throw new InvalidOperationException("The Acumatica OpenAPI document did not load.");
        using var text = new StringWriter();
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        _build = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
        JsonSchema.FromText(text.ToString(), _build, BaseUri);
        _raw = JsonDocument.Parse(await File.ReadAllTextAsync(Fixtures.SpecPath));
    }

    /// <summary>Validates <paramref name="json"/> against a component; strict = no unknown top-level members.</summary>
    public IReadOnlyList<string> Validate(string component, string json, bool strict)
    {
        var schema = _schemas.GetOrAdd((component, strict), key => JsonSchema.FromText(
            key.Item2
                ? $$"""{"$ref":"{{BaseUri}}#/components/schemas/{{key.Item1}}","unevaluatedProperties":false}"""
                : $$"""{"$ref":"{{BaseUri}}#/components/schemas/{{key.Item1}}"}""",
            _build));
        using var body = JsonDocument.Parse(json);
        var r = schema.Evaluate(body.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return r.IsValid
            ? []
            : [
                .. (r.Details ?? [r]).Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    /// <summary>True when <paramref name="path"/> (e.g. <c>MainContact/Email</c>) names a property of <paramref name="component"/>.</summary>
    public bool HasPath(string component, string path)
    {
        var current = component;
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var property = FindProperty(current, segments[i]);
            if (property is null)
                return false;
            if (i < segments.Length - 1)
            {
                var target = property.Value.TryGetProperty("$ref", out var r) ? r
                    : property.Value.TryGetProperty("items", out var items) && items.TryGetProperty("$ref", out var ir) ? ir
                    : default;
                if (target.ValueKind != JsonValueKind.String)
                    return false;
                current = target.GetString()!.Split('/')[^1];
            }
        }

        return true;
    }

    public ValueTask DisposeAsync()
    {
        _raw?.Dispose();
        return ValueTask.CompletedTask;
    }

    private JsonElement? FindProperty(string component, string name)
    {
        var schema = _raw.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(component);
        return FindIn(schema, name);
    }

    private JsonElement? FindIn(JsonElement schema, string name)
    {
        if (schema.TryGetProperty("properties", out var props) && props.TryGetProperty(name, out var p))
            return p;
        if (schema.TryGetProperty("$ref", out var r))
            return FindProperty(r.GetString()!.Split('/')[^1], name);
        if (schema.TryGetProperty("allOf", out var all))
        {
            foreach (var part in all.EnumerateArray())
            {
                if (FindIn(part, name) is { } hit)
                    return hit;
            }
        }

        return null;
    }
}
