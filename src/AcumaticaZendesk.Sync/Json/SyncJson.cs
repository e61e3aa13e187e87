using System.Text.Json;
using System.Text.Json.Serialization;

namespace AcumaticaZendesk.Sync.Json;

/// <summary>
/// JSON settings of the core: web defaults (camelCase) and enums as kebab-case strings
/// (<c>"create-only"</c>, <c>"oauth"</c>, <c>"customer"</c>). Used for the tenant seed file and for the
/// canonical JSON behind fingerprints.
/// </summary>
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
