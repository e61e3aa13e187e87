using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Infrastructure;


namespace AcumaticaZendesk.Sandbox.Acumatica;

/// <summary>HTTP surface of simulated Acumatica instances under <c>/acumatica/{instance}</c>.</summary>
internal static class AcuEndpoints
{
    private const string SessionCookie = ".ASPXAUTH";

    public static void MapAcumatica(this IEndpointRouteBuilder app, SandboxState state)
    {
        var g = app.MapGroup("/acumatica/{instance}");
        g.MapGet("/entity", (string instance, HttpContext ctx) => WithInstance(state, instance, i => EndpointList(i)));
        g.MapGet("/entity/{endpoint}/{version}/swagger.json", (string instance, string endpoint, string version) =>
            WithInstance(
                state,
                instance,
                i => HasEndpoint(i, endpoint, version)
                    ? Json.Ok(
                        new JsonObject { ["openapi"] = "3.0.1", ["info"] = new JsonObject { ["title"] = $"{endpoint}/{version}", ["version"] = version } })
                    : NotFound(i, $"entity/{endpoint}/{version}")));
        g.MapPost(
            "/entity/auth/login",
            (string instance, HttpContext ctx, CancellationToken ct) => WithInstanceAsync(state, instance, i => LoginAsync(i, ctx, ct)));
        g.MapPost("/entity/auth/logout", (string instance, HttpContext ctx) => WithInstance(state, instance, i =>
        {
            i.Logout(ctx.Request.Cookies[SessionCookie]);
            ctx.Response.Cookies.Delete(SessionCookie);
            ctx.Response.Cookies.Delete("ASP.NET_SessionId");
            return Json.Status(204);
        }));
        g.MapGet("/identity/.well-known/openid-configuration", (string instance, HttpContext ctx) => WithInstance(state, instance, i => Discovery(i, ctx)));
        g.MapGet("/identity/connect/authorize", (string instance, HttpContext ctx) => WithInstance(state, instance, i => Authorize(i, ctx)));
        g.MapPost(
            "/identity/connect/token",
            (string instance, HttpContext ctx, CancellationToken ct) => WithInstanceAsync(state, instance, i => TokenAsync(i, ctx, ct)));

        g.MapGet(
            "/entity/{endpoint}/{version}/{entity}",
            (string instance, string endpoint, string version, string entity, HttpContext ctx, CancellationToken ct) =>
            Guarded(state, instance, endpoint, version, entity, ctx, ct, (i, def) => List(i, version, def, ctx)));
        g.MapPut(
            "/entity/{endpoint}/{version}/{entity}",
            (string instance, string endpoint, string version, string entity, HttpContext ctx, CancellationToken ct) =>
            GuardedAsync(state, instance, endpoint, version, entity, ctx, ct, (i, def) => PutAsync(i, version, def, ctx, ct)));
        g.MapGet(
            "/entity/{endpoint}/{version}/{entity}/{**ids}",
            (string instance, string endpoint, string version, string entity, string ids, HttpContext ctx, CancellationToken ct) =>
            Guarded(state, instance, endpoint, version, entity, ctx, ct, (i, def) => GetOne(i, version, def, ids, ctx)));
        g.MapDelete(
            "/entity/{endpoint}/{version}/{entity}/{**ids}",
            (string instance, string endpoint, string version, string entity, string ids, HttpContext ctx, CancellationToken ct) =>
            Guarded(state, instance, endpoint, version, entity, ctx, ct, (i, def) => Delete(i, def, ids)));
    }

    internal static JsonReply Error(int status, string message, string? exceptionMessage = null) =>
        Json.Status(status, new JsonObject
        {
            ["message"] = message,
            ["exceptionMessage"] = exceptionMessage ?? message,
            ["exceptionType"] = "PX.Api.ContractBased.OutcomeException",
        });

    /// <summary>
    /// A record addressed by key or id that does not exist: the contract-based API answers 500 (its spec lists only
    /// 200/401/500 for GET and 204/401/500 for DELETE by key), never 404.
    /// </summary>
    internal static JsonReply NoEntity() =>
        Json.Status(500, new JsonObject
        {
            ["message"] = "An error has occurred.",
            ["exceptionMessage"] = "No entity satisfies the condition.",
            ["exceptionType"] = "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException",
        });

    private static JsonReply NotFound(AcuInstance i, string path) =>
        Json.Status(404, new JsonObject { ["message"] = $"No HTTP resource was found that matches the request URI '/acumatica/{i.Name}/{path}'." });

    private static IResult WithInstance(SandboxState state, string instance, Func<AcuInstance, IResult> action) =>
        state.FindAcumatica(instance) is { } i ? action(i) : Json.Status(404, new JsonObject { ["message"] = $"Instance '{instance}' does not exist." });

    private static async Task<IResult> WithInstanceAsync(SandboxState state, string instance, Func<AcuInstance, Task<IResult>> action) =>
        state.FindAcumatica(instance) is { } i ? await action(i) : Json.Status(404, new JsonObject { ["message"] = $"Instance '{instance}' does not exist." });

    private static bool HasEndpoint(AcuInstance i, string endpoint, string version)
    {
        lock (i.Gate)
        {
            return string.Equals(endpoint, "Default", StringComparison.Ordinal) && i.Versions.Contains(version);
        }
    }

    private static JsonReply EndpointList(AcuInstance i)
    {
        var endpoints = new JsonArray();
        lock (i.Gate)
        {
            foreach (var v in i.Versions)
            {
                endpoints.Add(new JsonObject { ["name"] = "Default", ["version"] = v, ["href"] = $"/acumatica/{i.Name}/entity/Default/{v}/" });
            }
        }

        return Json.Ok(new JsonObject
        {
            ["version"] = new JsonObject { ["acumaticaBuildVersion"] = i.Settings.BuildVersion, ["databaseVersion"] = i.Settings.BuildVersion },
            ["endpoints"] = endpoints,
        });
    }

    private static Task<IResult> Guarded(
        SandboxState state,
        string instance,
        string endpoint,
        string version,
        string entity,
        HttpContext ctx,
        CancellationToken ct,
        Func<AcuInstance, AcuEntityDef, IResult> action) =>
        GuardedAsync(state, instance, endpoint, version, entity, ctx, ct, (i, d) => Task.FromResult(action(i, d)));

    private static async Task<IResult> GuardedAsync(
        SandboxState state,
        string instance,
        string endpoint,
        string version,
        string entity,
        HttpContext ctx,
        CancellationToken ct,
        Func<AcuInstance, AcuEntityDef, Task<IResult>> action)
    {
        if (state.FindAcumatica(instance) is not { } i)
        {
            return Json.Status(404, new JsonObject { ["message"] = $"Instance '{instance}' does not exist." });
        }

        if (!HasEndpoint(i, endpoint, version))
        {
            return NotFound(i, $"entity/{endpoint}/{version}/{entity}");
        }

        if (!IsAuthenticated(i, ctx))
        {
            return Json.Status(401, new JsonObject { ["message"] = "You are not logged in." });
        }

        using var slot = await i.Throttle.EnterAsync(ct);
        if (slot is null)
        {
            return Error(429, "The request was declined: too many requests are waiting for the API (licence limit of concurrent requests).");
        }

        if (!AcuEntityDef.All.TryGetValue(entity, out var def))
        {
            return NotFound(i, $"entity/{endpoint}/{version}/{entity}");
        }

        return await action(i, def);
    }

    private static bool IsAuthenticated(AcuInstance i, HttpContext ctx)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var grant = i.OAuth.Validate(auth[7..].Trim());
            return grant is not null && grant.Scope.Split(' ').Contains("api", StringComparer.Ordinal);
        }

        return ctx.Request.Cookies[SessionCookie] is { } session && i.TouchSession(session);
    }

    private static IResult List(AcuInstance i, string version, AcuEntityDef def, HttpContext ctx)
    {
        var q = ctx.Request.Query;
        Func<JsonObject, bool>? filter = null;
        if (q["$filter"].ToString() is { Length: > 0 } f)
        {
            try
            {
                filter = ODataFilter.Parse(f);
            }
            catch (FormatException ex)
            {
                return Error(400, "The $filter expression is invalid.", ex.Message);
            }
        }

        // OData (v3, which the contract-based API follows): $top and $skip are non-negative integers; anything else is refused.
        if (!TryCount(q["$top"], int.MaxValue, out var top) || !TryCount(q["$skip"], 0, out var skip))
        {
            return Error(400, "The query specified in the URI is not valid.", "$top and $skip must be non-negative integers.");
        }

        var projection = Projection.Parse(q["$select"], q["$expand"]);
        var result = new JsonArray();
        lock (i.Gate)
        {
            var row = skip;
            foreach (var r in i.Scan(def, filter).Skip(skip).Take(top))
            {
                result.Add(i.RenderForApi(version, r, projection, ++row));
            }
        }

        return Json.Ok(result);
    }

    private static bool TryCount(Microsoft.Extensions.Primitives.StringValues raw, int absent, out int value)
    {
        value = absent;
        return raw.Count == 0
            || (int.TryParse(raw.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value)
                && value >= 0);
    }

    private static IResult GetOne(AcuInstance i, string version, AcuEntityDef def, string ids, HttpContext ctx)
    {
        var projection = Projection.Parse(ctx.Request.Query["$select"], ctx.Request.Query["$expand"]);
        lock (i.Gate)
        {
            return i.Find(def, ids.TrimEnd('/')) is { } r
                ? Json.Ok(i.RenderForApi(version, r, projection, 1))
                : NoEntity();
        }
    }

    private static IResult Delete(AcuInstance i, AcuEntityDef def, string ids)
    {
        lock (i.Gate)
        {
            return i.Find(def, ids.TrimEnd('/')) is { } r && i.Delete(def, r) ? Json.Status(204) : NoEntity();
        }
    }

    private static async Task<IResult> PutAsync(AcuInstance i, string version, AcuEntityDef def, HttpContext ctx, CancellationToken ct)
    {
        var body = await Json.ReadObjectAsync(ctx.Request, ct);
        if (body is null)
        {
            return Error(400, "The request body must be a JSON object describing the entity.");
        }

        var sent = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        JsonObject incoming;
        try
        {
            incoming = AcuInstance.Unwrap(body, sent);
        }
        catch (FormatException ex)
        {
            return Error(400, "The request is invalid.", ex.Message);
        }

        Func<JsonObject, bool>? filter = null;
        if (ctx.Request.Query["$filter"].ToString() is { Length: > 0 } f)
        {
            try
            {
                filter = ODataFilter.Parse(f);
            }
            catch (FormatException ex)
            {
                return Error(400, "The $filter expression is invalid.", ex.Message);
            }
        }

        var condition = ctx.Request.Headers.IfNoneMatch.ToString() == "*" ? PutCondition.InsertOnly
            : ctx.Request.Headers.IfMatch.ToString() == "*" ? PutCondition.UpdateOnly : PutCondition.None;
        Guid? bodyId = body["id"] is JsonValue idv && Guid.TryParse(idv.ToString(), out var gid) ? gid : null;
        var note = body["note"] is JsonObject n ? n.Str("value") : null;

        var select = new HashSet<string>(sent.Where(p => !def.Linked.Contains(p)), StringComparer.OrdinalIgnoreCase);
        var requested = Projection.Parse(ctx.Request.Query["$select"], ctx.Request.Query["$expand"]);
        if (requested.Select is not null)
        {
            select.UnionWith(requested.Select);
        }

        if (def == AcuEntityDef.Activity)
        {
            select.UnionWith(["RelatedEntityType", "RelatedEntityDescription"]);
        }

        var expand = new HashSet<string>(requested.Expand, StringComparer.OrdinalIgnoreCase);
        expand.UnionWith(sent.Where(p => body[p.Split('/')[0]] is JsonObject o && !o.ContainsKey("value")));

        lock (i.Gate)
        {
            var outcome = i.Put(def, incoming, bodyId, filter, condition, note);
            return outcome.Status switch
            {
                200 => Json.Ok(AcuRenderer.Render(i, version, outcome.Record!, new Projection(select, expand), 1)),
                422 => Json.Status(422, AcuRenderer.RenderInvalid(def, outcome.Record?.Id ?? Guid.NewGuid(), incoming, outcome.Errors, outcome.Inserted)),
                _ => Error(outcome.Status, outcome.Message ?? "The request failed."),
            };
        }
    }

    private static async Task<IResult> LoginAsync(AcuInstance i, HttpContext ctx, CancellationToken ct)
    {
        var body = await Json.ReadObjectAsync(ctx.Request, ct);
        if (body is null)
        {
            return Error(400, "The login request must be a JSON object with name, password and tenant.");
        }

        var (session, status, message) = i.Login(body.Str("name"), body.Str("password"), body.Str("tenant") ?? body.Str("company"));
        if (session is null)
        {
            return Error(status, message!);
        }

        var options = new CookieOptions { HttpOnly = true, Path = "/" };
        ctx.Response.Cookies.Append(SessionCookie, session.Id, options);
        ctx.Response.Cookies.Append("ASP.NET_SessionId", Tokens.Hex(12), options);
        ctx.Response.Cookies.Append("UserBranch", body.Str("branch") ?? "HEADOFFICE", options);
        ctx.Response.Cookies.Append("Locale", body.Str("locale") ?? "en-US", options);
        return Json.Status(204);
    }

    private static JsonReply Discovery(AcuInstance i, HttpContext ctx)
    {
        var issuer = $"{ctx.Request.Scheme}://{ctx.Request.Host}/acumatica/{i.Name}/identity";
        return Json.Ok(new JsonObject
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = issuer + "/connect/authorize",
            ["token_endpoint"] = issuer + "/connect/token",
            ["grant_types_supported"] = new JsonArray("authorization_code", "password", "refresh_token", "implicit", "hybrid"),
            ["scopes_supported"] = new JsonArray("api", "offline_access", "api:concurrent_access", "openid", "email", "profile", "phone"),
            ["code_challenge_methods_supported"] = new JsonArray("plain", "S256"),
            ["response_types_supported"] = new JsonArray("code", "token", "id_token", "code id_token"),
        });
    }

    private static IResult Authorize(AcuInstance i, HttpContext ctx) =>
        OAuthHttp.Authorize(i.OAuth, ctx, i.Users.Keys.FirstOrDefault() ?? "admin", "api", includeScope: true);

    private static async Task<IResult> TokenAsync(AcuInstance i, HttpContext ctx, CancellationToken ct)
    {
        if (!ctx.Request.HasFormContentType)
        {
            return OAuthHttp.Error(400, "invalid_request", "The token request must be application/x-www-form-urlencoded.");
        }

        var form = await ctx.Request.ReadFormAsync(ct);
        var (clientId, secret) = OAuthHttp.ClientCredentials(ctx, form["client_id"], form["client_secret"]);
        var client = i.OAuth.Authenticate(clientId, secret);
        if (client is null)
        {
            return OAuthHttp.Error(400, "invalid_client", "Unknown client or wrong client secret.");
        }

        // The client id is "<GUID>@<TenantLoginName>": the tenant part decides which tenant is accessed.
        var at = client.ClientId.LastIndexOf('@');
        if (at >= 0 && !string.Equals(client.ClientId[(at + 1)..], i.Tenant, StringComparison.OrdinalIgnoreCase))
        {
            return OAuthHttp.Error(400, "invalid_client", $"The client belongs to tenant '{client.ClientId[(at + 1)..]}', which this site does not have.");
        }

        i.OAuth.AccessTokenLifetime = i.Settings.AccessTokenLifetime;
        TokenResult result;
        switch (form["grant_type"].ToString())
        {
            case "password":
                var user = form["username"].ToString();
                if (!i.Users.TryGetValue(user, out var pwd) || !string.Equals(pwd, form["password"], StringComparison.Ordinal))
                {
                    return OAuthHttp.Error(400, "invalid_grant", "invalid_username_or_password");
                }

                var scope = form["scope"].ToString() is { Length: > 0 } sc ? sc : "api";
                result = i.OAuth.Issue(client.ClientId, user, scope, scope.Split(' ').Contains("offline_access"));
                break;
            case "authorization_code":
                result = i.OAuth.ExchangeCode(client, form["code"], form["redirect_uri"], form["code_verifier"], withRefresh: true);
                break;
            case "refresh_token":
                result = i.OAuth.Refresh(client, form["refresh_token"]);
                break;
            default:
                return OAuthHttp.Error(400, "unsupported_grant_type", "Supported grant types: authorization_code, password, refresh_token.");
        }

        if (result.Error is not null)
        {
            return OAuthHttp.Error(400, result.Error, result.ErrorDescription!);
        }

        var includeRefresh = result.Scope.Split(' ').Contains("offline_access");
        var body = new JsonObject
        {
            ["access_token"] = result.AccessToken,
            ["expires_in"] = (int)(result.ExpiresIn ?? TimeSpan.FromHours(1)).TotalSeconds,
            ["token_type"] = "Bearer",
            ["scope"] = result.Scope,
        };
        if (includeRefresh && result.RefreshToken is not null)
        {
            body["refresh_token"] = result.RefreshToken;
        }

        return Json.Ok(body);
    }
}
