using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;

/// <summary>
/// A Zendesk account stand-in on 127.0.0.1 under <c>/zendesk/acme</c>: organizations (unique name and
/// external_id, case-insensitive) and users (matched by external_id or e-mail identity) in memory;
/// <c>create_many</c>, <c>update_many</c> and <c>create_or_update_many</c> as jobs that finish on the first poll
/// (per-item results as Zendesk reports them); identities; bearer tokens with a rotating refresh grant.
/// </summary>
// WireMock, not the sandbox: ZendeskTargetTests assert the adapter's exact requests and names the tokens it accepts (docs/testing.md).
internal sealed partial class FakeZendesk : IDisposable
{
    public const string BasePath = "/zendesk/acme";
    public const string ClientId = "acumatica_connector_test";
    public const string ClientSecret = "zd-client-secret-5a9c";

    private readonly Lock _lock = new();
    private readonly List<JsonObject> _orgs = [];
    private readonly List<JsonObject> _users = [];
    private readonly ConcurrentDictionary<string, JsonArray> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _liveAccess = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _liveRefresh = new(StringComparer.Ordinal);
    private long _nextId = 1000;
    private int _generation;

    public FakeZendesk()
    {
        Server = WireMockServer.Start($"http://127.0.0.1:{Http.FreePort()}");
        Server.Given(Request.Create().WithPath($"{BasePath}/oauth/tokens").UsingPost()).RespondWith(Response.Create().WithCallback(Token));
        Server.Given(Request.Create().WithPath(new RegexMatcher($"^{BasePath}/api/v2/.*$")).UsingAnyMethod()).RespondWith(Response.Create().WithCallback(Api));
    }

    public WireMockServer Server { get; }

    public string BaseUrl => $"http://127.0.0.1:{Server.Ports[0]}{BasePath}";

    /// <summary>Answer 403 to <c>create_or_update_many</c> (bulk user import not enabled).</summary>
    public bool BulkUserImportRefused { get; set; }

    /// <summary>Grant types asked of /oauth/tokens.</summary>
    public ConcurrentQueue<string> Grants { get; } = new();

    /// <summary>Writes Zendesk received (creates, updates, identities), by endpoint.</summary>
    public ConcurrentQueue<string> Writes { get; } = new();

    /// <summary>List pages read (<c>organizations.list</c>, <c>users.list</c>), one entry per request.</summary>
    public ConcurrentQueue<string> Lists { get; } = new();

    public IReadOnlyList<JsonObject> Organizations { get { lock (_lock) return [.. _orgs.Select(o => o.DeepClone().AsObject())]; } }

    public IReadOnlyList<JsonObject> Users { get { lock (_lock) return [.. _users.Select(o => o.DeepClone().AsObject())]; } }

    public static string Access(int generation) => $"zd-access-gen{generation}-77e1";

    public static string Refresh(int generation) => $"zd-refresh-gen{generation}-0b3f";

    public void AcceptAccessToken(string token) => _liveAccess[token] = 0;

    public void AcceptRefreshToken(string token) => _liveRefresh[token] = 0;

    /// <summary>A hand-made organization (no external_id), as an account being onboarded has.</summary>
    public long AddOrganization(string name, string? externalId = null)
    {
        lock (_lock)
        {
            var id = ++_nextId;
            _orgs.Add(
                new JsonObject { ["id"] = id, ["name"] = name, ["external_id"] = externalId, ["tags"] = new JsonArray(), ["domain_names"] = new JsonArray() });
            return id;
        }
    }

    /// <summary>An operator renames an organization by hand.</summary>
    public void RenameOrganization(long id, string name)
    {
        lock (_lock)
            _orgs.Single(o => o["id"]!.GetValue<long>() == id)["name"] = name;
    }

    public void Dispose() => Server.Stop();

    private IResponseMessage Token(IRequestMessage req)
    {
        var body = JsonNode.Parse(req.Body!)!.AsObject();
        if (body["client_id"]?.ToString() != ClientId || body["client_secret"]?.ToString() != ClientSecret)
            return Http.Json(401, """{"error":"invalid_client","error_description":"Client authentication failed."}""");
        Grants.Enqueue(body["grant_type"]?.ToString() ?? "?");
        if (body["grant_type"]?.ToString() == "client_credentials")
        {
            var c = Interlocked.Increment(ref _generation);
            _liveAccess[Access(c)] = c;
            return Http.Json(200, $$"""{"access_token":"{{Access(c)}}","token_type":"bearer","scope":"read write","expires_in":1800}""");
        }

        if (body["grant_type"]?.ToString() != "refresh_token" || body["refresh_token"]?.ToString() is not { } rt || !_liveRefresh.TryRemove(rt, out _))
            return Http.Json(400, """{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, or revoked."}""");
        var g = Interlocked.Increment(ref _generation);
        _liveAccess[Access(g)] = g;
        _liveRefresh[Refresh(g)] = g;
        return Http.Json(
            200,
            $$"""
            {
              "access_token": "{{Access(g)}}",
              "token_type": "bearer",
              "scope": "read write",
              "expires_in": 1800,
              "refresh_token": "{{Refresh(g)}}",
              "refresh_token_expires_in": 2592000
            }
            """);
    }

    private IResponseMessage Api(IRequestMessage req)
    {
        var auth = Http.Header(req, "Authorization");
        if (auth is null || !auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_liveAccess.ContainsKey(auth[7..]))
            return Http.Json(401, """{"error":"Couldn't authenticate you"}""");

        var path = req.Path[(BasePath.Length + "/api/v2".Length)..].Replace(".json", "", StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(req.RawQuery ?? string.Empty);
        var body = string.IsNullOrEmpty(req.Body) ? null : JsonNode.Parse(req.Body)!.AsObject();
        lock (_lock)
        {
            switch (req.Method, path)
            {
                case ("GET", "/organizations"):
                    Lists.Enqueue("organizations.list");
                    return CursorPage("organizations", _orgs, query);
                case ("GET", "/users"):
                    Lists.Enqueue("users.list");
                    return CursorPage("users", _users, query);
                case ("GET", "/organizations/show_many"):
                    var ids = (query["external_ids"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
                    return List("organizations", _orgs.Where(o => ids.Any(i => Same(o["external_id"], i))));
                case ("GET", "/organizations/search"):
                    return query["name"] is { } name
                        ? List("organizations", _orgs.Where(o => Same(o["name"], name)))
                        : List("organizations", _orgs.Where(o => Same(o["external_id"], query["external_id"])));
                case ("POST", "/organizations/create_many"):
                    Writes.Enqueue("organizations.create_many");
                    return Job(body!["organizations"]!.AsArray().Select((o, i) => CreateOrganization(o!.AsObject(), i)));
                case ("PUT", "/organizations/update_many"):
                    Writes.Enqueue("organizations.update_many");
                    return Job(body!["organizations"]!.AsArray().Select((o, i) => UpdateOrganization(o!.AsObject(), i)));
                case ("GET", "/users/show_many"):
                    var uids = (query["external_ids"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
                    return List("users", _users.Where(u => uids.Any(i => Same(u["external_id"], i))));
                case ("GET", "/users/search"):
                    var email = (query["query"] ?? "").Replace("email:", "", StringComparison.Ordinal);
                    return List("users", _users.Where(u => Identities(u).Any(e => Same(e["value"], email))));
                case ("POST", "/users/create_or_update_many"):
                    if (BulkUserImportRefused)
                        return Http.Json(
                            403,
                            """
                            {
                              "error": "Forbidden",
                              "description": "You do not have access to this page. Please contact the account owner of this help desk for further help."
                            }
                            """);
                    Writes.Enqueue("users.create_or_update_many");
                    return Job(body!["users"]!.AsArray().Select((u, i) => UpsertUser(u!.AsObject(), i)));
                case ("POST", "/users/create_or_update"):
                    Writes.Enqueue("users.create_or_update");
                    var r = UpsertUser(body!["user"]!.AsObject(), 0);
                    if (r["success"]?.GetValue<bool>() == false)
                        return Http.Json(
                            422,
                            $$$"""
                            {
                              "error": "RecordInvalid",
                              "description": "Record validation errors",
                              "details": { "email": [{ "description": {{{r["details"]!.ToJsonString()}}}, "error": "DuplicateValue" }] }
                            }
                            """);
                    var written = _users.Single(u => u["id"]!.GetValue<long>() == r["id"]!.GetValue<long>());
                    return Http.Json(r["action"]!.ToString() == "create" ? 201 : 200, new JsonObject { ["user"] = Public(written) }.ToJsonString());
            }

            if (JobPath().Match(path) is { Success: true } jm && req.Method == "GET")
            {
                return _jobs.TryGetValue(jm.Groups[1].Value, out var results)
                    ? Http.Json(
                        200,
                        new JsonObject
                        {
                            ["job_status"] = new JsonObject
                            {
                                ["id"] = jm.Groups[1].Value,
                                ["status"] = "completed",
                                ["total"] = results.Count,
                                ["progress"] = results.Count,
                                ["results"] = results.DeepClone()
                            }
                        }.ToJsonString())
                    : Http.Json(404, """{"error":"RecordNotFound","description":"Not found"}""");
            }

            if (IdentityPath().Match(path) is { Success: true } im)
            {
                var user = _users.SingleOrDefault(
                    u => u["id"]!.GetValue<long>() == long.Parse(im.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                if (user is null)
                    return Http.Json(404, """{"error":"RecordNotFound","description":"Not found"}""");
                if (req.Method == "GET" && !im.Groups[2].Success)
                    return Http.Json(
                        200,
                        new JsonObject
                        {
                            ["identities"] = new JsonArray([.. Identities(user).Select(i => i.DeepClone())]),
                            ["meta"] = new JsonObject { ["has_more"] = false }
                        }.ToJsonString());
                if (req.Method == "POST" && !im.Groups[2].Success)
                {
                    Writes.Enqueue("users.identities.create");
                    var value = body!["identity"]!["value"]!.ToString();
                    if (_users.Any(u => u != user && Identities(u).Any(e => Same(e["value"], value))))
                        return Http.Json(
                            422,
                            $$$"""
                            {
                              "error": "RecordInvalid",
                              "description": "Record validation errors",
                              "details": {
                                "value": [
                                  {
                                    "description": "Value: {{{value}}} is already being used by another user",
                                    "error": "DuplicateValue"
                                  }
                                ]
                              }
                            }
                            """);
                    var identity = new JsonObject
                    {
                        ["id"] = ++_nextId,
                        ["user_id"] = user["id"]!.GetValue<long>(),
                        ["type"] = "email",
                        ["value"] = value,
                        ["primary"] = false
                    };
                    user["identities"]!.AsArray().Add(identity);
                    return Http.Json(201, new JsonObject { ["identity"] = identity.DeepClone() }.ToJsonString());
                }

                if (req.Method == "PUT" && im.Groups[3].Value == "make_primary")
                {
                    Writes.Enqueue("users.identities.make_primary");
                    foreach (var i in Identities(user))
                        i["primary"] = i["id"]!.GetValue<long>() == long.Parse(im.Groups[2].Value.Trim('/'), System.Globalization.CultureInfo.InvariantCulture);
                    user["email"] = Identities(user).Single(i => i["primary"]!.GetValue<bool>())["value"]!.ToString();
                    return Http.Json(200, new JsonObject { ["identities"] = new JsonArray([.. Identities(user).Select(i => i.DeepClone())]) }.ToJsonString());
                }
            }

            return Http.Json(404, """{"error":"InvalidEndpoint","description":"Not found"}""");
        }
    }

    private JsonObject CreateOrganization(JsonObject o, int index)
    {
        if (_orgs.Any(x => Same(x["name"], o["name"]?.ToString())))
            return new JsonObject
            {
                ["index"] = index,
                ["action"] = "create",
                ["success"] = false,
                ["error"] = "DuplicateValue",
                ["details"] = $"Name: {o["name"]} has already been taken"
            };
        if (o["external_id"] is { } ext && _orgs.Any(x => Same(x["external_id"], ext.ToString())))
            return new JsonObject
            {
                ["index"] = index,
                ["action"] = "create",
                ["success"] = false,
                ["error"] = "DuplicateValue",
                ["details"] = $"External: {ext} has already been taken"
            };
        var created = o.DeepClone().AsObject();
        created["id"] = ++_nextId;
        _orgs.Add(created);
        return new JsonObject { ["id"] = created["id"]!.GetValue<long>(), ["index"] = index };
    }

    private JsonObject UpdateOrganization(JsonObject o, int index)
    {
        var id = o["id"]!.GetValue<long>();
        var existing = _orgs.SingleOrDefault(x => x["id"]!.GetValue<long>() == id);
        if (existing is null)
            return new JsonObject { ["id"] = id, ["action"] = "update", ["success"] = false, ["error"] = "RecordNotFound", ["details"] = "Not found" };
        if (o["name"] is { } name && _orgs.Any(x => x != existing && Same(x["name"], name.ToString())))
            return new JsonObject
            {
                ["id"] = id,
                ["action"] = "update",
                ["success"] = false,
                ["error"] = "DuplicateValue",
                ["details"] = $"Name: {name} has already been taken"
            };
        foreach (var (k, v) in o)
            existing[k] = v?.DeepClone();
        return new JsonObject { ["id"] = id, ["action"] = "update", ["success"] = true, ["status"] = "Updated" };
    }

    private JsonObject UpsertUser(JsonObject u, int index)
    {
        var email = u["email"]?.ToString();
        var existing = u["id"] is { } idNode ? _users.SingleOrDefault(x => x["id"]!.GetValue<long>() == idNode.GetValue<long>())
            : _users.SingleOrDefault(x => Same(x["external_id"], u["external_id"]?.ToString()))
              ?? (email is null ? null : _users.SingleOrDefault(x => Identities(x).Any(e => Same(e["value"], email))));
        if (existing is null)
        {
            var created = u.DeepClone().AsObject();
            created["id"] = ++_nextId;
            created.Remove("skip_verify_email");
            created["identities"] = email is null
                ? new JsonArray()
                : new JsonArray(
                    new JsonObject
                    {
                        ["id"] = ++_nextId,
                        ["user_id"] = created["id"]!.GetValue<long>(),
                        ["type"] = "email",
                        ["value"] = email,
                        ["primary"] = true
                    });
            _users.Add(created);
            return new JsonObject
            {
                ["id"] = created["id"]!.GetValue<long>(),
                ["index"] = index,
                ["action"] = "create",
                ["status"] = "Created",
                ["success"] = true
            };
        }

        foreach (var (k, v) in u)
        {
            if (k is not ("email" or "skip_verify_email" or "id"))
                existing[k] = v?.DeepClone();
        }

        if (email is not null && !Identities(existing).Any(e => Same(e["value"], email)))
            existing["identities"]!.AsArray()
                .Add(
                    new JsonObject
                    {
                        ["id"] = ++_nextId,
                        ["user_id"] = existing["id"]!.GetValue<long>(),
                        ["type"] = "email",
                        ["value"] = email,
                        ["primary"] = false
                    });
        return new JsonObject
        {
            ["id"] = existing["id"]!.GetValue<long>(),
            ["index"] = index,
            ["action"] = "update",
            ["status"] = "Updated",
            ["success"] = true
        };
    }

    private IResponseMessage Job(IEnumerable<JsonObject> results)
    {
        var id = Guid.NewGuid().ToString("N");
        _jobs[id] = new JsonArray([.. results]);
        return Http.Json(
            200,
            new JsonObject
            {
                ["job_status"] = new JsonObject { ["id"] = id, ["status"] = "queued", ["url"] = $"{BaseUrl}/api/v2/job_statuses/{id}.json" }
            }.ToJsonString());
    }

    /// <summary>Cursor pagination as Zendesk does it (<c>page[size]</c>, <c>page[after]</c>, <c>meta.has_more</c>/<c>after_cursor</c>); the cursor is the
    /// position.</summary>
    private static IResponseMessage CursorPage(string name, IReadOnlyList<JsonObject> all, System.Collections.Specialized.NameValueCollection query)
    {
        var size = int.Parse(query["page[size]"] ?? "100", System.Globalization.CultureInfo.InvariantCulture);
        var start = int.Parse(query["page[after]"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var page = all.Skip(start).Take(size).ToArray();
        var more = start + page.Length < all.Count;
        return Http.Json(200, new JsonObject
        {
            [name] = new JsonArray([.. page.Select(Public)]),
            ["meta"] = new JsonObject
            {
                ["has_more"] = more,
                ["after_cursor"] = more ? (start + page.Length).ToString(System.Globalization.CultureInfo.InvariantCulture) : null
            },
        }.ToJsonString());
    }

    private static IResponseMessage List(string name, IEnumerable<JsonObject> items) =>
        Http.Json(200, new JsonObject { [name] = new JsonArray([.. items.Select(Public)]), ["count"] = items.Count() }.ToJsonString());

    private static JsonNode Public(JsonObject record)
    {
        var copy = record.DeepClone().AsObject();
        if (copy["identities"] is JsonArray identities)
        {
            copy["email"] = identities.FirstOrDefault(i => i!["primary"]!.GetValue<bool>())?["value"]?.ToString();
            copy.Remove("identities");
        }

        return copy;
    }

    private static IEnumerable<JsonObject> Identities(JsonObject user) => user["identities"]?.AsArray().Select(i => i!.AsObject()) ?? [];

    private static bool Same(JsonNode? node, string? value) =>
        node is not null && value is not null && string.Equals(node.ToString(), value, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^/job_statuses/([^/]+)$")]
    private static partial Regex JobPath();

    [GeneratedRegex(@"^/users/(\d+)/identities(/\d+)?(?:/(make_primary))?$")]
    private static partial Regex IdentityPath();
}
