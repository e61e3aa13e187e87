using System.Globalization;
using System.Text.Json;

namespace AcumaticaZendesk.Zendesk.Webhooks;

/// <summary>
/// A Zendesk event-subscription webhook envelope:
/// <c>{"type":"zen:event-type:&lt;domain&gt;.&lt;event&gt;","account_id","id","time","zendesk_event_version","subject","detail","event"}</c>.
/// Ids inside <see cref="Detail"/> are strings (<see cref="DetailString"/>, <see cref="DetailInt64"/>).
/// </summary>
public sealed record ZendeskWebhookEvent(
    string Type,
    long AccountId,
    string Id,
    DateTimeOffset Time,
    string? Subject,
    string? EventVersion,
    JsonElement Detail,
    JsonElement Event)
{
    private const string TypePrefix = "zen:event-type:";

    /// <summary>The domain, e.g. <c>organization</c>, <c>user</c>, <c>ticket</c>.</summary>
    public string Domain => Split().Domain;

    /// <summary>The event within the domain, e.g. <c>created</c>, <c>status_changed</c>.</summary>
    public string Name => Split().Name;

    /// <summary>A string property of <see cref="Detail"/> (ids arrive as strings); null when absent or null.</summary>
    public string? DetailString(string property) =>
        Detail.ValueKind == JsonValueKind.Object && Detail.TryGetProperty(property, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
            : null;

    /// <summary>A numeric id of <see cref="Detail"/> sent as a string (e.g. <c>"id":"6607619104125"</c>); null when absent.</summary>
    public long? DetailInt64(string property) =>
        long.TryParse(DetailString(property), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Parses the raw body; throws <see cref="FormatException"/> naming what is missing.</summary>
    public static ZendeskWebhookEvent Parse(ReadOnlySpan<byte> rawBody)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(rawBody.ToArray());
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The Zendesk webhook body is not JSON: {ex.Message}", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The Zendesk webhook body is not a JSON object.");
            }

            var type = RequiredString(root, "type");
            if (!type.StartsWith(TypePrefix, StringComparison.Ordinal))
            {
                throw new FormatException($"The Zendesk webhook 'type' '{type}' does not start with '{TypePrefix}' (trigger webhooks carry their own body).");
            }

            var accountId = root.TryGetProperty("account_id", out var a) && a.ValueKind == JsonValueKind.Number && a.TryGetInt64(out var n) ? n
                : a.ValueKind == JsonValueKind.String && long.TryParse(a.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
                : throw new FormatException("The Zendesk webhook body has no numeric 'account_id'.");
            var time = DateTimeOffset.TryParse(RequiredString(root, "time"), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                ? t
                : throw new FormatException("The Zendesk webhook 'time' is not an RFC 3339 time.");
            return new ZendeskWebhookEvent(
                type,
                accountId,
                RequiredString(root, "id"),
                time,
                OptionalString(root, "subject"),
                OptionalString(root, "zendesk_event_version"),
                root.TryGetProperty("detail", out var detail) ? detail.Clone() : throw new FormatException("The Zendesk webhook body has no 'detail'."),
                root.TryGetProperty("event", out var ev) ? ev.Clone() : default);
        }
    }

    private (string Domain, string Name) Split()
    {
        var rest = Type.StartsWith(TypePrefix, StringComparison.Ordinal) ? Type[TypePrefix.Length..] : Type;
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (rest, "") : (rest[..dot], rest[(dot + 1)..]);
    }

    private static string RequiredString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new FormatException($"The Zendesk webhook body has no '{name}' string.");

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
