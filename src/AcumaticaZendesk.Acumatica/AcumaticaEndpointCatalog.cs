using System.Text.Json;
using AcumaticaZendesk.Acumatica.Errors;

namespace AcumaticaZendesk.Acumatica;

/// <summary>What <c>GET /entity</c> says the instance offers.</summary>
public sealed record AcumaticaEndpointCatalog(string? AcumaticaBuildVersion, IReadOnlyList<AcumaticaEndpointInfo> Endpoints)
{
    public bool Offers(string endpointName, string endpointVersion) =>
        Endpoints.Any(e => string.Equals(e.Name, endpointName, StringComparison.OrdinalIgnoreCase) && e.Version == endpointVersion);

    /// <summary>Parses both shapes seen in the field: the wrapper <c>{"version":{…},"endpoints":[…]}</c> and a bare array of endpoints.</summary>
    public static AcumaticaEndpointCatalog Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        string? build = null;
        JsonElement list;
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                list = root;
                break;
            case JsonValueKind.Object when TryGet(root, "endpoints", out list) && list.ValueKind == JsonValueKind.Array:
                if (TryGet(root, "version", out var v) && v.ValueKind == JsonValueKind.Object && TryGet(v, "acumaticaBuildVersion", out var b))
                    build = b.GetString();
                break;
            default:
                throw new JsonException("GET /entity returned neither an endpoint list nor an object with 'endpoints'.");
        }

        var endpoints = new List<AcumaticaEndpointInfo>();
        foreach (var e in list.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Object && TryGet(e, "name", out var n) && TryGet(e, "version", out var ver))
                endpoints.Add(
                    new AcumaticaEndpointInfo(
                        n.GetString() ?? string.Empty,
                        ver.GetString() ?? string.Empty,
                        TryGet(e, "href", out var h) ? h.GetString() : null));
        }

        return new AcumaticaEndpointCatalog(build, endpoints);
    }

    private static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
