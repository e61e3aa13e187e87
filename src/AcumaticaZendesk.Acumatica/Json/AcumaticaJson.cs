using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AcumaticaZendesk.Acumatica.Json;

/// <summary>The serializer settings for contract-based payloads.</summary>
public static class AcumaticaJson
{
    /// <summary>
    /// Field names are used as declared (PascalCase fields, camelCase system fields via attributes);
    /// absent (null) properties are not written; unknown members are tolerated (kept in extension data).
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        };
        o.Converters.Add(new AcumaticaValueConverterFactory());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>Formats a date-time in the literal form the <c>$filter</c> parser accepts: <c>yyyy-MM-ddTHH:mm:ss.fffK</c> (UTC).</summary>
    public static string FormatDateTimeOffset(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture);
}
