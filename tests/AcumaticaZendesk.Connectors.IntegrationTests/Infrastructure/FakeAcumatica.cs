using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;

/// <summary>
/// An Acumatica stand-in on 127.0.0.1 (instance path /AcumaticaERP, Default/24.200.001): Customer, Vendor,
/// Contact and Employee tables read like the server (<c>LastModifiedDateTime ge</c>, key order, <c>$top/$skip</c>,
/// bare arrays, 500 "No entity satisfies the condition." for unknown keys, 404 for unknown versions), a rotating OAuth token endpoint and cookie sign-in.
/// </summary>
// WireMock, not the sandbox: AcumaticaSourceTests assert the adapter's exact queries over a vendored sample body (docs/testing.md).
internal sealed partial class FakeAcumatica : IDisposable
{
    public const string InstancePath = "/AcumaticaERP";
    public const string Company = "MyTenant";
    public const string ClientId = "4B1C5F2A-0000-0000-0000-000000000000@MyTenant";
    public const string ClientSecret = "acu-client-secret-3c1d";
    public const string UserName = "integration";
    public const string Password = "acu-password-8e2f";

    private static readonly Dictionary<string, string> KeyFields = new(StringComparer.Ordinal)
    {
        ["Customer"] = "CustomerID",
        ["Vendor"] = "VendorID",
        ["Contact"] = "ContactID",
        ["Employee"] = "EmployeeID",
    };

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonObject>> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _liveAccess = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _liveRefresh = new(StringComparer.Ordinal);
    private int _generation;

    public FakeAcumatica()
    {
        Server = WireMockServer.Start($"http://127.0.0.1:{Http.FreePort()}");
        Server.Given(Request.Create().WithPath($"{InstancePath}/entity").UsingGet())
            .RespondWith(
                Response.Create().WithCallback(_ => Http.Json(200, Samples.AcumaticaSample("entity_index_GET_/entity").GetProperty("body").GetRawText())));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher($"^{InstancePath}/entity/.+$")).UsingGet())
            .RespondWith(Response.Create().WithCallback(Read));
        Server.Given(Request.Create().WithPath($"{InstancePath}/identity/connect/token").UsingPost())
            .RespondWith(Response.Create().WithCallback(Token));
        Server.Given(Request.Create().WithPath($"{InstancePath}/entity/auth/login").UsingPost())
            .RespondWith(Response.Create().WithCallback(req =>
                req.Body?.Contains($"\"{Password}\"", StringComparison.Ordinal) == true
                    ? Http.Empty(204, ("Set-Cookie", ".ASPXAUTH=session-1; path=/"))
                    : Http.Json(500, """{"message":"Invalid credentials"}""")));
        Server.Given(Request.Create().WithPath($"{InstancePath}/entity/auth/logout").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(204));
        foreach (var entity in KeyFields.Keys)
            _tables[entity] = new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal);
    }

    public WireMockServer Server { get; }

    public string InstanceUrl => $"http://127.0.0.1:{Server.Ports[0]}{InstancePath}";

    public ConcurrentQueue<string> Queries { get; } = new();

    public ConcurrentQueue<string> Grants { get; } = new();

    /// <summary>Adds or replaces a record (its key field and LastModifiedDateTime must be set).</summary>
    public void Put(string entity, JsonObject row)
    {
        var key = row[KeyFields[entity]]!["value"]!.ToString();
        _tables[entity][key] = row;
    }

    /// <summary>A refresh token the endpoint accepts once (as if stored by a consent), and the access token it pairs with.</summary>
    public void AcceptRefreshToken(string refreshToken) => _liveRefresh[refreshToken] = 0;

    public void AcceptAccessToken(string accessToken) => _liveAccess[accessToken] = 0;

    public static string Access(int generation) => $"acu-access-gen{generation}-9b7a";

    public static string Refresh(int generation) => $"acu-refresh-gen{generation}-41d0";

    public static JsonObject Wrap(string? value) => value is null ? [] : new() { ["value"] = value };

    public static JsonObject Wrap(int value) => new() { ["value"] = value };

    public static JsonObject Wrap(bool value) => new() { ["value"] = value };

    public static JsonObject Customer(
        string id,
        string name,
        DateTimeOffset modified,
        string? email = null,
        string? classId = "DEFAULT",
        string status = "Active") => new()
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["rowNumber"] = 1,
            ["note"] = Wrap(""),
            ["CustomerID"] = Wrap(id),
            ["CustomerName"] = Wrap(name),
            ["CustomerClass"] = Wrap(classId),
            ["Status"] = Wrap(status),
            ["Email"] = email is null ? new JsonObject() : Wrap(email),
            ["LastModifiedDateTime"] = Wrap(modified.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture)),
            ["MainContact"] = new JsonObject { ["Email"] = email is null ? new JsonObject() : Wrap(email), ["Phone1"] = new JsonObject() },
            ["custom"] = new JsonObject(),
            ["_links"] = new JsonObject { ["self"] = $"{InstancePath}/entity/Default/24.200.001/Customer/{id}" },
        };

    public static JsonObject Contact(int id, string account, string first, string last, string email, DateTimeOffset modified) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["rowNumber"] = 1,
        ["ContactID"] = Wrap(id),
        ["BusinessAccount"] = Wrap(account),
        ["DisplayName"] = Wrap($"{first} {last}"),
        ["FirstName"] = Wrap(first),
        ["LastName"] = Wrap(last),
        ["Email"] = Wrap(email),
        ["Phone1"] = Wrap("+1 555 0100"),
        ["Active"] = Wrap(true),
        ["Status"] = Wrap("Active"),
        ["LastModifiedDateTime"] = Wrap(modified.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture)),
        ["custom"] = new JsonObject(),
    };

    public void Dispose() => Server.Stop();

    private IResponseMessage Read(IRequestMessage req)
    {
        Queries.Enqueue(HttpUtility.UrlDecode(req.Path + "?" + (req.RawQuery ?? string.Empty).TrimStart('?')));
        var auth = Http.Header(req, "Authorization");
        var cookie = Http.Header(req, "Cookie");
        var authorized = (auth is not null && auth.StartsWith("Bearer ", StringComparison.Ordinal) && _liveAccess.ContainsKey(auth[7..]))
            || cookie?.Contains(".ASPXAUTH=session-1", StringComparison.Ordinal) == true;
        if (!authorized)
            return Http.Json(401, """{"message":"Authorization has been denied for this request."}""");

        var m = EntityPath().Match(req.Path);
        if (!m.Success || m.Groups["version"].Value != "24.200.001" || !_tables.TryGetValue(m.Groups["entity"].Value, out var table))
            return Http.Json(404, """{"message":"No HTTP resource was found that matches the request URI."}""");

        if (m.Groups["key"].Success)
        {
            return table.TryGetValue(Uri.UnescapeDataString(m.Groups["key"].Value), out var row)
                ? Http.Json(200, row.ToJsonString())
                : Http.Json(
                    500,
                    """
                    {
                      "message": "An error has occurred.",
                      "exceptionMessage": "No entity satisfies the condition.",
                      "exceptionType": "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException"
                    }
                    """);
        }

        var query = req.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>();
        DateTimeOffset? since = null;
        if (query.TryGetValue("$filter", out var f))
        {
            var fm = FilterPattern().Match(f.Single());
            if (!fm.Success)
                return Http.Json(400, """{"message":"unsupported filter"}""");
            since = DateTimeOffset.ParseExact(fm.Groups[1].Value, "yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture);
        }

        var skip = query.TryGetValue("$skip", out var s) ? int.Parse(s.Single(), CultureInfo.InvariantCulture) : 0;
        var top = query.TryGetValue("$top", out var t) ? int.Parse(t.Single(), CultureInfo.InvariantCulture) : int.MaxValue;
        var rows = table
            .Where(r => since is null || DateTimeOffset.Parse(r.Value["LastModifiedDateTime"]!["value"]!.ToString(), CultureInfo.InvariantCulture) >= since)
            .OrderBy(r => r.Key, StringComparer.Ordinal).Skip(skip).Take(top)
            .Select(r => (JsonNode)r.Value.DeepClone());
        return Http.Json(200, new JsonArray([.. rows]).ToJsonString());
    }

    private IResponseMessage Token(IRequestMessage req)
    {
        var form = HttpUtility.ParseQueryString(req.Body ?? string.Empty);
        Grants.Enqueue(form["grant_type"] ?? "?");
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            return Http.Json(400, """{"error":"invalid_client"}""");
        return form["grant_type"] switch
        {
            "password" when form["username"] == UserName && form["password"] == Password => Issue(),
            "refresh_token" when form["refresh_token"] is { } rt && _liveRefresh.TryRemove(rt, out _) => Issue(),
            _ => Http.Json(400, """{"error":"invalid_grant"}"""),
        };
    }

    private IResponseMessage Issue()
    {
        var g = Interlocked.Increment(ref _generation);
        _liveAccess[Access(g)] = g;
        _liveRefresh[Refresh(g)] = g;
        return Http.Json(
            200,
            $$"""{"access_token":"{{Access(g)}}","expires_in":3600,"token_type":"Bearer","refresh_token":"{{Refresh(g)}}","scope":"api offline_access"}""");
    }

    [GeneratedRegex(@"^/AcumaticaERP/entity/Default/(?<version>[^/]+)/(?<entity>[A-Za-z]+)(/(?<key>[^/]+))?$")]
    private static partial Regex EntityPath();

    [GeneratedRegex(@"^LastModifiedDateTime ge datetimeoffset'([^']+)'$")]
    private static partial Regex FilterPattern();
}
