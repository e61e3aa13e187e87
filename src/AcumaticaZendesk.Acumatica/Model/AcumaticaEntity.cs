using System.Text.Json;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Acumatica.Json;

namespace AcumaticaZendesk.Acumatica.Model;

/// <summary>The system members every contract-based record carries (<c>Entity</c> in the OpenAPI schema).</summary>
public abstract record AcumaticaEntity
{
    /// <summary>Record GUID; for top-level records the same value as the record's NoteID.</summary>
    [JsonPropertyName("id")]
    public Guid? Id { get; init; }

    [JsonPropertyName("rowNumber")]
    public long? RowNumber { get; init; }

    /// <summary>The record's single free-text note.</summary>
    [JsonPropertyName("note")]
    public AcumaticaValue<string?>? Note { get; init; }

    /// <summary>Custom (non-contract) fields: view name → field name → typed value.</summary>
    [JsonPropertyName("custom")]
    public Dictionary<string, Dictionary<string, AcumaticaCustomField>>? Custom { get; init; }

    /// <summary>Record-level error (422: "Inserting 'X' record raised at least one error …").</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("files")]
    public IReadOnlyList<AcumaticaFileLink>? Files { get; init; }

    /// <summary>Members this model does not declare (<c>_links</c>, fields of other versions, extensions); kept so reads never fail on them.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalFields { get; init; }
}

/// <summary>A custom field value: <c>{"type": "CustomStringField", "value": …}</c>.</summary>
public sealed record AcumaticaCustomField(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] JsonElement? Value);

/// <summary>An attached file.</summary>
public sealed record AcumaticaFileLink(
    [property: JsonPropertyName("id")] Guid? Id,
    [property: JsonPropertyName("filename")] string? FileName,
    [property: JsonPropertyName("href")] string? Href,
    [property: JsonPropertyName("comment")] string? Comment);

/// <summary>A record read incrementally: its natural key and its modification time, for watermarks and de-duplication.</summary>
public interface IAcumaticaTrackedEntity
{
    /// <summary>Natural key (CustomerID, VendorID, ContactID, EmployeeID).</summary>
    string? Key { get; }

    DateTimeOffset? LastModified { get; }
}
