using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;

/// <summary>
/// GET /Customer over an in-memory table, like the server: <c>LastModifiedDateTime ge datetimeoffset'…'</c>,
/// rows in key order (no $orderby), <c>$top/$skip</c>, bare array.
/// </summary>
internal sealed partial class CustomerDirectory
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _rows = new(StringComparer.Ordinal);

    public CustomerDirectory(FakeAcumatica acu)
    {
        acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.EndpointPath}/Customer").UsingGet())
            .RespondWith(Response.Create().WithCallback(req =>
            {
                RawQueries.Enqueue(req.RawQuery ?? string.Empty);
                var query = req.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>();
                DateTimeOffset? since = null;
                if (query.TryGetValue("$filter", out var f))
                {
                    var m = FilterPattern().Match(f.Single());
                    if (!m.Success)
                        return FakeAcumatica.Json(400, """{"message":"unsupported filter"}""");
                    since = DateTimeOffset.ParseExact(m.Groups[1].Value, "yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture);
                }

                var skip = query.TryGetValue("$skip", out var s) ? int.Parse(s.Single(), CultureInfo.InvariantCulture) : 0;
                var top = query.TryGetValue("$top", out var t) ? int.Parse(t.Single(), CultureInfo.InvariantCulture) : int.MaxValue;
                var rows = _rows.Where(r => since is null || r.Value >= since).OrderBy(r => r.Key, StringComparer.Ordinal).Skip(skip).Take(top);
                var array = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
                {
                    ["id"] = Guid.NewGuid().ToString(),
                    ["rowNumber"] = 1,
                    ["CustomerID"] = new JsonObject { ["value"] = r.Key },
                    ["CustomerName"] = new JsonObject { ["value"] = $"Name of {r.Key}" },
                    ["LastModifiedDateTime"] = new JsonObject { ["value"] = r.Value.ToString("O", CultureInfo.InvariantCulture) },
                    ["MainContact"] = new JsonObject { ["Email"] = new JsonObject { ["value"] = $"{r.Key.ToLowerInvariant()}@example.com" } },
                    ["_links"] = new JsonObject { ["self"] = $"/x/{r.Key}" },
                })]);
                return FakeAcumatica.Json(200, array.ToJsonString());
            }));
    }

    public ConcurrentQueue<string> RawQueries { get; } = new();

    public void Set(string key, DateTimeOffset lastModified) => _rows[key] = lastModified;

    [GeneratedRegex(@"^LastModifiedDateTime ge datetimeoffset'([^']+)'$")]
    private static partial Regex FilterPattern();
}
