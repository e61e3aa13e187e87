using System.Text.Json;
using System.Text.Json.Serialization;

namespace AcumaticaZendesk.Zendesk.Http;

/// <summary>Zendesk's JSON: snake_case, nulls omitted on write.</summary>
internal static class ZendeskJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(byte[] body, string endpoint)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Options)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Zendesk answered {endpoint} with a body the client cannot read: {ex.Message}", ex);
        }
    }

    /// <summary>Reads property <paramref name="name"/> of the body's root object as <typeparamref name="T"/>.</summary>
    public static T Property<T>(byte[] body, string name, string endpoint)
    {
        using var doc = JsonDocument.Parse(body);
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(name, out var value))
        {
            throw new InvalidOperationException($"Zendesk answered {endpoint} without a '{name}' property.");
        }

        return value.Deserialize<T>(Options) ?? throw new InvalidOperationException($"Zendesk answered {endpoint} with a null '{name}'.");
    }
}
