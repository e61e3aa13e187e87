using System.Text.Json;

namespace AcumaticaZendesk.EmbeddedHost;

/// <summary>
/// Reads a secrets file the way Dapr's <c>secretstores.local.file</c> component with <c>nestedSeparator: "--"</c>
/// (components/connector-secrets.yaml) does: nested objects become keys joined by <c>--</c>
/// (<c>{"operator":{"api-keys":{"admin":"…"}}}</c> is <c>operator--api-keys--admin</c>).
/// </summary>
internal static class SecretsFile
{
    public const string Separator = "--";

    /// <exception cref="InvalidDataException">The file is not a JSON object of strings and objects.</exception>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The secrets file {path} is not valid JSON ({ex.Message}); compare it with components/secrets.sample.json.", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"The secrets file {path} must hold a JSON object; compare it with components/secrets.sample.json.");
            }

            var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
            Flatten(document.RootElement, prefix: null, secrets, path);
            return secrets;
        }
    }

    private static void Flatten(JsonElement element, string? prefix, Dictionary<string, string> secrets, string path)
    {
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix is null ? property.Name : prefix + Separator + property.Name;
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    Flatten(property.Value, key, secrets, path);
                    break;
                case JsonValueKind.String:
                    secrets[key] = property.Value.GetString()!;
                    break;
                default:
                    throw new InvalidDataException($"The secret '{key}' in {path} is a {property.Value.ValueKind}; secrets are strings (or objects of them).");
            }
        }
    }
}
