using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
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
        var canonical = CanonicalJson(payload);
        return Version + Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    /// <summary>The canonical UTF-8 JSON the fingerprint is computed over.</summary>
    public static byte[] CanonicalJson<T>(T payload)
    {
        var node = JsonSerializer.SerializeToNode(payload, SyncJson.Options);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            Write(writer, node);
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
