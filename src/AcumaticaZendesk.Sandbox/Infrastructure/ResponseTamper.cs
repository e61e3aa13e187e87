using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Sandbox.Infrastructure;

/// <summary>
/// A slow and/or malformed answer (<see cref="FaultSettings.SlowRate"/>, <see cref="FaultSettings.MalformedRate"/>): the
/// request is processed as usual into a buffer, then the answer is broken and/or held back before it is sent.
/// </summary>
internal sealed class ResponseTamper(TimeSpan delay, MalformedResponse? malformed, int oversizedBytes)
{
    private static readonly byte[] NotJsonBody = Encoding.UTF8.GetBytes(
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");

    /// <summary>Draws whether this request is answered slowly and/or malformed; null = neither.</summary>
    public static ResponseTamper? Draw(SandboxState state, FaultSettings faults, string system, string method, string path)
    {
        var slow = faults.SlowMs > 0
            && Matches(path, faults.SlowPathContains)
            && (TakeNext(faults) || (faults.SlowRate > 0 && state.NextDouble() < faults.SlowRate));
        var malformed = faults.MalformedRate > 0 && Matches(path, faults.MalformedPathContains) && state.NextDouble() < faults.MalformedRate;
        if (slow)
        {
            state.TamperedAnswers.AddOrUpdate($"{system} slow {method}", 1, static (_, n) => n + 1);
        }

        if (malformed)
        {
            state.TamperedAnswers.AddOrUpdate($"{system} malformed {method}", 1, static (_, n) => n + 1);
        }

        return slow || malformed
            ? new ResponseTamper(
                slow ? TimeSpan.FromMilliseconds(faults.SlowMs) : TimeSpan.Zero,
                malformed ? faults.MalformedKind : null,
                faults.OversizedBytes)
            : null;
    }

    private static bool TakeNext(FaultSettings faults)
    {
        lock (faults)
        {
            if (faults.SlowNextCount <= 0)
            {
                return false;
            }

            faults.SlowNextCount--;
            return true;
        }
    }

    private static bool Matches(string path, string? contains) =>
        string.IsNullOrEmpty(contains) || path.Contains(contains, StringComparison.OrdinalIgnoreCase);

    public async Task RunAsync(HttpContext ctx, RequestDelegate next, TimeProvider time)
    {
        var original = ctx.Response.Body;
        using var buffer = new MemoryStream();
        ctx.Response.Body = buffer;
        try
        {
            await next(ctx);
        }
        finally
        {
            ctx.Response.Body = original;
        }

        var body = buffer.ToArray();
        if (malformed is { } kind && ctx.Response.StatusCode is >= 200 and < 300)
        {
            body = Malform(body, kind, oversizedBytes);
            ctx.Response.ContentLength = null;
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, ctx.RequestAborted);
        }

        await original.WriteAsync(body, ctx.RequestAborted);
    }

    internal static byte[] Malform(byte[] body, MalformedResponse kind, int oversizedBytes) => kind switch
    {
        MalformedResponse.NotJson => NotJsonBody,
        MalformedResponse.Truncated => body[..(body.Length / 2)],
        MalformedResponse.NonNumericId => Encoding.UTF8.GetBytes((NonNumericIds(Parse(body)) ?? JsonValue.Create("not-json-ids"))!.ToJsonString()),
        MalformedResponse.Oversized => Encoding.UTF8.GetBytes(Pad(Parse(body), oversizedBytes).ToJsonString()),
        _ => body,
    };

    private static JsonNode? Parse(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(body));
        }
    }

    /// <summary>Every <c>id</c> of the objects in the first array of objects found (depth first) becomes <c>"id-{n}"</c>.</summary>
    private static JsonNode? NonNumericIds(JsonNode? root)
    {
        Rewrite(root);
        return root;

        static bool Rewrite(JsonNode? node)
        {
            switch (node)
            {
                case JsonArray array when array.Any(i => i is JsonObject):
                    foreach (var item in array.OfType<JsonObject>().Where(o => o.ContainsKey("id")))
                    {
                        item["id"] = $"id-{item["id"]?.ToJsonString().Trim('"')}";
                    }

                    return true;
                case JsonObject obj:
                    return obj.Select(p => p.Value).ToList().Any(Rewrite);
                default:
                    return false;
            }
        }
    }

    private static JsonNode Pad(JsonNode? root, int bytes)
    {
        var obj = root as JsonObject ?? new JsonObject { ["data"] = root };
        obj["padding"] = new string('x', Math.Max(0, bytes));
        return obj;
    }
}
