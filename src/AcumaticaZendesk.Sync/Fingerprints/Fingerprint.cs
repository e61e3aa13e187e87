using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using AcumaticaZendesk.Sync.Json;

namespace AcumaticaZendesk.Sync.Fingerprints;

/// <summary>
/// A stable hash of a mapped payload: SHA-256 of JSON with properties sorted at every level and nulls dropped, prefixed
/// <c>v1:</c> so a change of scheme is visible. An unchanged fingerprint means no write.
/// </summary>
public static class Fingerprint
{
    public const string Version = "v1:";

    public static string Of<T>(T payload)
    {
        var canonical = new ArrayBufferWriter<byte>(512);
        WriteCanonical(payload, canonical);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(canonical.WrittenSpan, hash);
        return Version + Convert.ToHexStringLower(hash);
    }

    /// <summary>The canonical UTF-8 JSON the fingerprint is computed over.</summary>
    public static byte[] CanonicalJson<T>(T payload)
    {
        var canonical = new ArrayBufferWriter<byte>(512);
        WriteCanonical(payload, canonical);
        return canonical.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Serializes once with <see cref="SyncJson.Options"/>, then rewrites that JSON read-only (<see cref="JsonDocument"/>, no
    /// node tree): every object's non-null properties in ordinal order of their names, arrays as they are (nulls kept), values
    /// written exactly as serialized.
    /// </summary>
    private static void WriteCanonical<T>(T payload, IBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(payload, SyncJson.Options));
        using var writer = new Utf8JsonWriter(output);
        Write(writer, document.RootElement);
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new List<JsonProperty>();
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        properties.Add(property);
                    }
                }

                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                writer.WriteStartObject();
                foreach (var property in properties)
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
