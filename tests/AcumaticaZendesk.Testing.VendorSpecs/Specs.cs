using System.Text.Json;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Microsoft.OpenApi.YamlReader;
using Xunit;

namespace AcumaticaZendesk.Testing.VendorSpecs;

/// <summary>
/// The vendors' OpenAPI documents as JSON Schema 2020-12 (see docs: contract-testing). Acumatica uses the tolerant
/// variant (null allowed in value wrappers and linked-entity <c>note</c>), as documented GET responses carry nulls.
/// </summary>
public sealed partial class Specs : IAsyncLifetime
{
    private static readonly Uri ZendeskBase = new("https://contracts.invalid/zendesk.json");
    private static readonly Uri AcumaticaBase = new("https://contracts.invalid/acumatica-24-tolerant.json");
    private readonly BuildOptions zendesk = new() { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
    private readonly BuildOptions acumatica = new() { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
    private readonly Dictionary<string, JsonSchema> cache = [];
    private readonly Lock gate = new();
    private OpenApiDocument? zendeskDocument;
    private OpenApiDocument? acumaticaDocument;

    public async ValueTask InitializeAsync()
    {
        var settings = new OpenApiReaderSettings { RuleSet = Microsoft.OpenApi.ValidationRuleSet.GetEmptyRuleSet() };
        settings.AddYamlReader();
        var zd = await OpenApiDocument.LoadAsync(Path.Combine(AppContext.BaseDirectory, "specs", "zendesk-support-oas.yaml"), settings);
        var acu = await OpenApiDocument.LoadAsync(Path.Combine(AppContext.BaseDirectory, "specs", "acumatica-default-24.200.001-openapi.json"), settings);
        foreach (var (name, s) in acu.Document!.Components!.Schemas!)
        {
            if (name.EndsWith("Value", StringComparison.Ordinal) && s is OpenApiSchema w &&
                w.Properties?.TryGetValue("value", out var v) == true && v is OpenApiSchema value)
            {
                w.Type |= JsonSchemaType.Null;
                value.Type |= JsonSchemaType.Null;
            }
        }

        JsonSchema.FromText(Serialize(zd.Document!), zendesk, ZendeskBase);
        JsonSchema.FromText(Serialize(acu.Document!), acumatica, AcumaticaBase);
        zendeskDocument = zd.Document!;
        acumaticaDocument = acu.Document!;
    }

    private static string Serialize(OpenApiDocument doc)
    {
        using var text = new StringWriter();
        doc.SerializeAsV31(new OpenApiJsonWriter(text));
        return text.ToString();
    }

    /// <summary>Validation errors of a Zendesk body against a component schema (empty = valid).</summary>
    public IReadOnlyList<string> Zendesk(string component, string json) =>
        Validate(zendesk, ZendeskBase, $$"""{"$ref":"{{ZendeskBase}}#/components/schemas/{{component}}"}""", json);

    /// <summary>
    /// A job status whose results may take the live <c>create_or_update_many</c> shape, which the OAS's
    /// <c>JobStatusResultObject</c> (a <c>oneOf</c> that requires <c>index</c>, or <c>action</c> and <c>success</c>) does
    /// not describe: <c>{id, status: Created|Updated, email}</c>. Everything else is the spec's: the envelope is
    /// <c>JobStatusResponse</c> and every other entry one of <c>CreateResourceResult</c>, <c>UpdateResourceResult</c>,
    /// <c>FailedResult</c>.
    /// </summary>
    public IReadOnlyList<string> ZendeskJobWithLiveResults(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        var results = node["job_status"]?["results"] as System.Text.Json.Nodes.JsonArray ?? [];
        var problems = new List<string>();
        var envelope = node.DeepClone().AsObject();
        envelope["job_status"]!.AsObject().Remove("results");
        problems.AddRange(Zendesk("JobStatusResponse", envelope.ToJsonString()));
        for (var i = 0; i < results.Count; i++)
        {
            var entry = results[i]!.ToJsonString();
            var failed = results[i]!["status"]?.ToString() == "Failed" || results[i]!["success"]?.GetValue<bool>() == false;
            var errors = failed ? Zendesk("FailedResult", entry)
                : results[i]!["index"] is not null ? Zendesk("CreateResourceResult", entry)
                : results[i]!["action"] is not null ? Zendesk("UpdateResourceResult", entry)
                : Validate(zendesk, ZendeskBase, LiveCreateOrUpdateResult, entry);
            problems.AddRange(errors.Select(e => $"/job_status/results/{i}{e}"));
        }

        return problems;
    }

    private const string LiveCreateOrUpdateResult =
        """
        {
          "type": "object",
          "required": [
            "id",
            "status"
          ],
          "properties": {
            "id": {
              "type": "integer"
            },
            "status": {
              "enum": [
                "Created",
                "Updated"
              ]
            },
            "email": {
              "type": [
                "string",
                "null"
              ]
            }
          }
        }
        """;

    public IReadOnlyList<string> Acumatica(string component, string json) =>
        Validate(acumatica, AcumaticaBase, $$"""{"$ref":"{{AcumaticaBase}}#/components/schemas/{{component}}"}""", json);

    public IReadOnlyList<string> AcumaticaArray(string component, string json) =>
        Validate(acumatica, AcumaticaBase, $$$"""{"type":"array","items":{"$ref":"{{{AcumaticaBase}}}#/components/schemas/{{{component}}}"}}""", json);

    private IReadOnlyList<string> Validate(BuildOptions build, Uri baseUri, string schemaText, string json)
    {
        JsonSchema schema;
        lock (gate)
        {
            if (!cache.TryGetValue(schemaText, out schema!))
            {
                schema = JsonSchema.FromText(schemaText, build);
                cache[schemaText] = schema;
            }
        }

        _ = baseUri;
        using var body = JsonDocument.Parse(json);
        var r = schema.Evaluate(body.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return r.IsValid
            ? []
            : [
                .. (r.Details ?? [r]).Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
