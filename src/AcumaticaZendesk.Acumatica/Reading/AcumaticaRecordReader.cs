using System.Globalization;
using System.Text;
using System.Text.Json;
using AcumaticaZendesk.Acumatica.Json;
using AcumaticaZendesk.Acumatica.Model;

namespace AcumaticaZendesk.Acumatica.Reading;

/// <summary>
/// A record of a page that the client refused: malformed (wrong JSON types, broken <c>{"value": …}</c> wrapping, an
/// invalid date), without its key or <c>LastModifiedDateTime</c>, or over the size bounds. The rest of the page is
/// read as usual. <see cref="Key"/>, <see cref="Id"/> and <see cref="LastModified"/> are what could be made out of
/// the raw record (null when unreadable too). <see cref="Reason"/> never quotes field values.
/// </summary>
/// <param name="Position">Zero-based row of the record in the query result (<c>$skip</c> + index on the page).</param>
/// <param name="Code"><c>MalformedRecord</c>, <c>MissingKey</c>, <c>MissingLastModified</c> or <c>OversizedRecord</c>.</param>
public sealed record AcumaticaRejectedRecord(int Position, string? Key, Guid? Id, DateTimeOffset? LastModified, string Code, string Reason);

/// <summary>Size bounds of one record (from <see cref="AcumaticaClientOptions"/>).</summary>
internal sealed record AcumaticaRecordLimits(int MaxRecordBytes, int MaxRecordFields);

/// <summary>Reads entity records one by one, so that one bad record is refused on its own instead of failing its page.</summary>
internal static class AcumaticaRecordReader
{
    public const string Malformed = "MalformedRecord";
    public const string MissingKey = "MissingKey";
    public const string MissingLastModified = "MissingLastModified";
    public const string Oversized = "OversizedRecord";

    /// <summary>A page body (a JSON array): the records read and the records refused. Throws <see cref="JsonException"/> when the body itself is not a JSON
    /// array.</summary>
    public static (List<T> Items, List<AcumaticaRejectedRecord> Rejected) ReadPage<T>(
        string body,
        string entity,
        string keyField,
        AcumaticaRecordLimits limits,
        int skip)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
    {
        using var doc = JsonDocument.Parse(body);
        return ReadPage<T>(doc, Encoding.UTF8.GetMaxByteCount(body.Length), entity, keyField, limits, skip);
    }

    /// <summary>A parsed page body of <paramref name="bodyBytes"/> bytes (at most): as <see cref="ReadPage{T}(string, string, string, AcumaticaRecordLimits,
    /// int)"/>.</summary>
    public static (List<T> Items, List<AcumaticaRejectedRecord> Rejected) ReadPage<T>(
        JsonDocument doc,
        long bodyBytes,
        string entity,
        string keyField,
        AcumaticaRecordLimits limits,
        int skip)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
    {
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new JsonException($"expected a JSON array of {entity} records but found {doc.RootElement.ValueKind}");

        var items = new List<T>();
        var rejected = new List<AcumaticaRejectedRecord>();
        var position = skip;

        // No record can be larger than its page: measure records only when the page could hold an oversized one.
        var measure = bodyBytes > limits.MaxRecordBytes;
        foreach (var element in doc.RootElement.EnumerateArray())
        {
            if (TryRead<T>(element, entity, keyField, limits, position++, out var item, out var refusal, measure))
                items.Add(item);
            else
                rejected.Add(refusal);
        }

        return (items, rejected);
    }

    /// <summary>One record; false (with the refusal) when it is malformed, incomplete or oversized.</summary>
    public static bool TryRead<T>(
        JsonElement element,
        string entity,
        string keyField,
        AcumaticaRecordLimits limits,
        int position,
        out T item,
        out AcumaticaRejectedRecord refusal,
        bool measure = true)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
    {
        item = null!;
        refusal = null!;
        if (element.ValueKind != JsonValueKind.Object)
        {
            refusal = new AcumaticaRejectedRecord(position, null, null, null, Malformed, $"the {entity} record is a JSON {element.ValueKind}, not an object");
            return false;
        }

        var (key, id, modified) = Identify(element, keyField);
        AcumaticaRejectedRecord Refuse(string code, string reason) => new(position, key, id, modified, code, reason);

        var bytes = measure ? Encoding.UTF8.GetByteCount(element.GetRawText()) : 0;
        if (bytes > limits.MaxRecordBytes)
        {
            refusal = Refuse(Oversized, string.Create(CultureInfo.InvariantCulture,
                $"the {entity} record is {bytes:N0} bytes, over the bound of {limits.MaxRecordBytes:N0} (Acumatica:Client:MaxRecordBytes)"));
            return false;
        }

        var fields = element.EnumerateObject().Count();
        if (fields > limits.MaxRecordFields)
        {
            refusal = Refuse(Oversized, string.Create(CultureInfo.InvariantCulture,
                $"the {entity} record carries {fields:N0} fields, over the bound of {limits.MaxRecordFields:N0} (Acumatica:Client:MaxRecordFields)"));
            return false;
        }

        try
        {
            item = element.Deserialize<T>(AcumaticaJson.Options)!;
        }
        catch (JsonException ex)
        {
            // System.Text.Json's messages name the path and the expected type, never the value.
            refusal = Refuse(Malformed, $"the {entity} record is malformed at {ex.Path ?? "$"}: {FirstSentence(ex.Message)}");
            return false;
        }

        if (string.IsNullOrWhiteSpace(item.Key))
        {
            refusal = Refuse(MissingKey, $"the {entity} record has no {keyField}; the connector cannot track it");
            return false;
        }

        if (item.LastModified is null)
        {
            refusal = Refuse(MissingLastModified, $"the {entity} record '{item.Key}' has no LastModifiedDateTime; incremental reads need it");
            return false;
        }

        return true;
    }

    /// <summary>What can be made out of a raw record: key (trimmed), id and LastModifiedDateTime, each null when unreadable.</summary>
    private static (string? Key, Guid? Id, DateTimeOffset? Modified) Identify(JsonElement element, string keyField)
    {
        string? key = null;
        if (element.TryGetProperty(keyField, out var k) && k.ValueKind == JsonValueKind.Object && k.TryGetProperty("value", out var kv))
        {
            key = kv.ValueKind switch
            {
                JsonValueKind.String => kv.GetString()?.Trim(),
                JsonValueKind.Number => kv.GetRawText(),
                _ => null,
            };
        }

        Guid? id = element.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String && Guid.TryParse(i.GetString(), out var g) ? g : null;
        DateTimeOffset? modified = element.TryGetProperty("LastModifiedDateTime", out var m) && m.ValueKind == JsonValueKind.Object
            && m.TryGetProperty("value", out var mv) && mv.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(mv.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return (string.IsNullOrEmpty(key) ? null : key, id, modified);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
