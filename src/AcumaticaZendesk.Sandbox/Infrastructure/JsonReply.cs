using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Sandbox.Infrastructure;

/// <summary>Writes a JSON node (or plain text) with a status code and optional headers.</summary>
internal sealed class JsonReply(int status, JsonNode? body, IReadOnlyDictionary<string, string>? headers = null) : IResult
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping
    };

    public int Status => status;

    internal static void WriteHeaders(HttpResponse response, IReadOnlyDictionary<string, string>? headers)
    {
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response.Headers[name] = value;
        }
    }

    public JsonNode? Body => body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        JsonReply.WriteHeaders(response, headers);

        if (body is null)
        {
            return;
        }

        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.Body, WriterOptions);
        body.WriteTo(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}

/// <summary>Plain-text reply (Zendesk sends some errors as text/plain).</summary>
internal sealed class TextReply(int status, string text, IReadOnlyDictionary<string, string>? headers = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        JsonReply.WriteHeaders(response, headers);

        response.ContentType = "text/plain; charset=utf-8";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), httpContext.RequestAborted);
    }
}

internal static class Json
{
    public static JsonReply Ok(JsonNode body) => new(200, body);

    public static JsonReply Status(int status, JsonNode? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, body, headers);

    /// <summary>Reads the request body as a JSON object; null when absent or not an object.</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0)
        {
            return null;
        }

        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return node as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Str(this JsonObject obj, string name) =>
        obj.TryGetPropertyValue(name, out var v) && v is JsonValue jv
            ? jv.GetValueKind() switch
            {
                JsonValueKind.String => jv.GetValue<string>(),
                JsonValueKind.Number => jv.ToJsonString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            }
            : null;

    public static long? Long(this JsonObject obj, string name) =>
        obj.TryGetPropertyValue(name, out var v) && v is JsonValue jv
            ? jv.GetValueKind() switch
            {
                JsonValueKind.Number => long.TryParse(jv.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var l) ? l
                    : (long)double.Parse(jv.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
                JsonValueKind.String when long.TryParse(jv.GetValue<string>(), out var p) => p,
                _ => null,
            }
            : null;

    public static bool? Bool(this JsonObject obj, string name) =>
        obj.TryGetPropertyValue(name, out var v) && v is JsonValue jv
            ? jv.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String when bool.TryParse(jv.GetValue<string>(), out var b) => b,
                _ => null,
            }
            : null;

    public static bool Has(this JsonObject obj, string name) => obj.ContainsKey(name);

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string AcuIso(DateTimeOffset t) =>
        t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
}
