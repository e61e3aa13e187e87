using System.Text.Json;
using System.Text.Json.Serialization;

namespace AcumaticaZendesk.Sync.Json;

/// <summary>JSON of the tenant seed file and of fingerprints: web defaults (camelCase), enums as kebab-case strings.</summary>
public static class SyncJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>Serializes an enum as a kebab-case string wherever it is stored (state store, config).</summary>
public sealed class KebabEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.KebabCaseLower)
    where TEnum : struct, Enum;
