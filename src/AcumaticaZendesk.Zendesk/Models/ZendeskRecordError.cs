using System.Net;
using System.Text.Json;

namespace AcumaticaZendesk.Zendesk;

/// <summary>What kind of per-record failure Zendesk reported.</summary>
public enum ZendeskRecordErrorKind
{
    /// <summary>A unique value clashes: organization name or external_id, user email (422 DuplicateValue).</summary>
    DuplicateValue,

    /// <summary>Any other validation error (422 RecordInvalid).</summary>
    Validation,

    /// <summary>The record does not exist (404 RecordNotFound).</summary>
    NotFound,

    /// <summary>Refused for this record for another reason (permission, job failure, no result reported).</summary>
    Other,
}

/// <summary>
/// A per-record error from Zendesk: from a single call's 4xx body or a bulk job's result entry. Descriptions
/// can name the clashing value (e.g. an email), so log them at Debug only.
/// </summary>
/// <param name="Kind">Classification used by callers (a name clash is <see cref="ZendeskRecordErrorKind.DuplicateValue"/>).</param>
/// <param name="Code">Zendesk's code, e.g. <c>RecordInvalid</c>, <c>DuplicateValue</c>.</param>
/// <param name="Description">Human-readable text.</param>
/// <param name="Field">The field the error is about, when known (e.g. <c>name</c>, <c>email</c>).</param>
/// <param name="Status">HTTP status of a single call; null for job results.</param>
public sealed record ZendeskRecordError(
    ZendeskRecordErrorKind Kind,
    string Code,
    string Description,
    string? Field = null,
    HttpStatusCode? Status = null)
{
    /// <summary>Parses a Zendesk error body (<c>{"error","description","details":{field:[{description,error}]}}</c>, or text).</summary>
    internal static ZendeskRecordError FromResponse(HttpStatusCode status, ReadOnlySpan<byte> body)
    {
        var fallbackKind = status == HttpStatusCode.NotFound ? ZendeskRecordErrorKind.NotFound
            : status == HttpStatusCode.UnprocessableEntity ? ZendeskRecordErrorKind.Validation
            : ZendeskRecordErrorKind.Other;
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new(fallbackKind, status.ToString(), Text(body), Status: status);
            }

            var code = root.TryGetProperty("error", out var e) ? e.ValueKind == JsonValueKind.String ? e.GetString()! : e.ToString() : status.ToString();
            var description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : code;
            if (root.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in details.EnumerateObject())
                {
                    if (field.Value.ValueKind != JsonValueKind.Array)
                    {
                        continue;
                    }

                    foreach (var item in field.Value.EnumerateArray())
                    {
                        var itemCode = item.TryGetProperty("error", out var ie) && ie.ValueKind == JsonValueKind.String ? ie.GetString()! : code;
                        var itemText = item.TryGetProperty("description", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : description;
                        return new(Classify(itemCode, itemText, fallbackKind), itemCode, itemText, field.Name, status);
                    }
                }
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in errors.EnumerateArray())
                {
                    var itemCode = item.TryGetProperty("code", out var c) ? c.ToString() : code;
                    var itemText = item.TryGetProperty("detail", out var dt) ? dt.ToString() : description;
                    return new(Classify(itemCode, itemText, fallbackKind), itemCode, itemText, Status: status);
                }
            }

            return new(Classify(code, description, fallbackKind), code, description, Status: status);
        }
        catch (JsonException)
        {
            return new(fallbackKind, status.ToString(), Text(body), Status: status);
        }
    }

    /// <summary>From a bulk job's failed result entry (<c>error</c>, <c>details</c>).</summary>
    internal static ZendeskRecordError FromJobResult(string? error, string? details) =>
        new(Classify(error ?? "", details ?? "", ZendeskRecordErrorKind.Other), error ?? "Failed", details ?? error ?? "The job reported a failure.");

    internal static ZendeskRecordErrorKind Classify(string code, string description, ZendeskRecordErrorKind fallback)
    {
        if (code.Equals("DuplicateValue", StringComparison.OrdinalIgnoreCase)
            || description.Contains("has already been taken", StringComparison.OrdinalIgnoreCase)
            || description.Contains("already being used", StringComparison.OrdinalIgnoreCase))
        {
            return ZendeskRecordErrorKind.DuplicateValue;
        }

        if (code.Equals("RecordNotFound", StringComparison.OrdinalIgnoreCase))
        {
            return ZendeskRecordErrorKind.NotFound;
        }

        return code.Equals("RecordInvalid", StringComparison.OrdinalIgnoreCase) ? ZendeskRecordErrorKind.Validation : fallback;
    }

    private static string Text(ReadOnlySpan<byte> body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body).Trim();
        return text.Length > 300 ? text[..300] : text;
    }
}

/// <summary>The outcome of a single-record write: the record, or a per-record error (never both).</summary>
public sealed record ZendeskRecordResult<T>(T? Value, ZendeskRecordError? Error, bool Created = false)
    where T : class
{
    public bool Succeeded => Error is null && Value is not null;

    internal static ZendeskRecordResult<T> Ok(T value, bool created) => new(value, null, created);

    internal static ZendeskRecordResult<T> Failed(ZendeskRecordError error) => new(null, error);
}
