using System.Text.Json;
using System.Text.Json.Serialization;

namespace AcumaticaZendesk.Zendesk.Http;

/// <summary>Zendesk's JSON: snake_case, nulls omitted on write. Unreadable answers raise <see cref="ZendeskBadResponseException"/>.</summary>
internal static class ZendeskJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(byte[] body, string endpoint) =>
        Read(endpoint, () => JsonSerializer.Deserialize<T>(body, Options) ?? throw new JsonException("empty body"));

    /// <summary>Reads property <paramref name="name"/> of the body's root object as <typeparamref name="T"/>.</summary>
    public static T Property<T>(byte[] body, string name, string endpoint) => Read(endpoint, () =>
    {
        using var doc = JsonDocument.Parse(body);
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(name, out var value))
        {
            throw new ZendeskBadResponseException(endpoint, $"a body without a '{name}' property");
        }

        return value.Deserialize<T>(Options) ?? throw new ZendeskBadResponseException(endpoint, $"a null '{name}'");
    });

    /// <summary>Runs a parse of an answer; a <see cref="JsonException"/> becomes a <see cref="ZendeskBadResponseException"/> naming the endpoint.</summary>
    public static T Read<T>(string endpoint, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (JsonException ex)
        {
            // System.Text.Json names the path and the expected type, never the value.
            var cut = ex.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new ZendeskBadResponseException(
                endpoint,
                $"a body the client cannot read ({(cut > 0 ? ex.Message[..cut].TrimEnd(' ', '|') : ex.Message)})",
                inner: ex);
        }
    }
}
