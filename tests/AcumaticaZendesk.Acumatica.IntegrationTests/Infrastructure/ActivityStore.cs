using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;

/// <summary>
/// PUT/GET/DELETE /Activity over an in-memory table, like the server: a PUT without <c>id</c> inserts (auto-numbered,
/// so every repeat duplicates), a PUT with <c>id</c> updates; <c>substringof('x',Summary)</c> filters; DELETE
/// /Activity/{id} removes (500 "No entity satisfies the condition." when gone).
/// </summary>
internal sealed partial class ActivityStore
{
    private readonly ConcurrentDictionary<Guid, JsonObject> _rows = new();
    private int _clock;

    public ActivityStore(FakeAcumatica acu)
    {
        acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.EndpointPath}/Activity").UsingPut())
            .RespondWith(Response.Create().WithCallback(req =>
            {
                var body = JsonNode.Parse(req.Body!)!.AsObject();
                PutBodies.Enqueue(body.ToJsonString());
                JsonObject row;
                if (body["id"] is { } idNode)
                {
                    if (!_rows.TryGetValue(Guid.Parse(idNode.GetValue<string>()), out row!))
                        return FakeAcumatica.Json(404, """{"message":"not found"}""");
                }
                else
                {
                    BeforeInsert?.Invoke(body);
                    var id = Guid.NewGuid();
                    row = new JsonObject
                    {
                        ["id"] = id.ToString(),
                        ["NoteID"] = new JsonObject { ["value"] = id.ToString() },
                        ["CreatedDateTime"] = new JsonObject
                        {
                            ["value"] = DateTimeOffset.UnixEpoch.AddMinutes(Interlocked.Increment(ref _clock)).ToString("O")
                        },
                    };
                    _rows[id] = row;
                }

                foreach (var (name, value) in body)
                {
                    if (name != "id")
                        row[name] = value!.DeepClone();
                }

                row["RelatedEntityDescription"] = new JsonObject { ["value"] = "Contoso Pharmacy" };
                return FailNextWriteAfterCommit-- > 0
                    ? FakeAcumatica.Json(500, """{"message":"An error has occurred."}""")
                    : FakeAcumatica.Json(200, row.ToJsonString());
            }));

        acu.Server.Given(
            Request.Create().WithPath(new WireMock.Matchers.RegexMatcher($"^{FakeAcumatica.EndpointPath}/Activity/[0-9a-fA-F-]{{36}}$")).UsingDelete())
            .RespondWith(Response.Create().WithCallback(req =>
            {
                var id = Guid.Parse(req.Path[(req.Path.LastIndexOf('/') + 1)..]);
                Deleted.Enqueue(id);
                return _rows.TryRemove(id, out _) ? FakeAcumatica.Json(204, "") : FakeAcumatica.Json(500, FakeAcumatica.NoEntityBody);
            }));

        acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.EndpointPath}/Activity").UsingGet())
            .RespondWith(Response.Create().WithCallback(req =>
            {
                var filter = req.Query!["$filter"].Single();
                var m = SubstringOf().Match(filter);
                if (!m.Success)
                    return FakeAcumatica.Json(400, """{"message":"unsupported filter"}""");
                var needle = m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal);
                var hits = _rows.Values.Where(r => r["Summary"]?["value"]?.GetValue<string>().Contains(needle, StringComparison.Ordinal) == true);
                return FakeAcumatica.Json(200, new JsonArray([.. hits.Select(h => h.DeepClone())]).ToJsonString());
            }));
    }

    /// <summary>Number of writes that are stored but answered with 500 (outcome unknown to the client).</summary>
    public int FailNextWriteAfterCommit { get; set; }

    public ConcurrentQueue<string> PutBodies { get; } = new();

    public ConcurrentQueue<Guid> Deleted { get; } = new();

    /// <summary>Runs before a PUT without id inserts (e.g. to let "another writer" insert first).</summary>
    public Action<JsonObject>? BeforeInsert { get; set; }

    /// <summary>Inserts a row as another writer would (older than every row inserted after it).</summary>
    public Guid Insert(JsonObject body)
    {
        var id = Guid.NewGuid();
        var row = new JsonObject
        {
            ["id"] = id.ToString(),
            ["NoteID"] = new JsonObject { ["value"] = id.ToString() },
            ["CreatedDateTime"] = new JsonObject { ["value"] = DateTimeOffset.UnixEpoch.AddMinutes(Interlocked.Increment(ref _clock)).ToString("O") },
        };
        foreach (var (name, value) in body)
        {
            if (name != "id")
                row[name] = value!.DeepClone();
        }

        _rows[id] = row;
        return id;
    }

    public IReadOnlyCollection<JsonObject> Rows => [.. _rows.Values];

    [GeneratedRegex(@"^substringof\('((?:[^']|'')*)',Summary\)$")]
    private static partial Regex SubstringOf();
}
