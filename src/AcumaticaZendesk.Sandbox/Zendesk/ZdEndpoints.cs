using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>HTTP surface of simulated Zendesk accounts under <c>/zendesk/{subdomain}</c>.</summary>
internal static partial class ZdEndpoints
{
    private const string AccountKey = "zd.account";

    public static string BaseUrl(HttpContext ctx, ZdAccount account) => $"{ctx.Request.Scheme}://{ctx.Request.Host}/zendesk/{account.Subdomain}";

    private static ZdAccount Acct(HttpContext ctx) => (ZdAccount)ctx.Items[AccountKey]!;

    public static void MapZendesk(this IEndpointRouteBuilder app, SandboxState state)
    {
        var oauth = app.MapGroup("/zendesk/{subdomain}/oauth");
        oauth.MapGet(
            "/authorizations/new",
            (string subdomain, HttpContext ctx) => state.FindZendesk(subdomain) is { } a ? Authorize(a, ctx) : ZdErrors.NotFound());
        oauth.MapPost(
            "/tokens",
            async (string subdomain, HttpContext ctx, CancellationToken ct) =>
                state.FindZendesk(subdomain) is { } a ? await TokenAsync(a, ctx, ct) : ZdErrors.NotFound());

        var api = app.MapGroup("/zendesk/{subdomain}/api/v2").AddEndpointFilter(async (efc, next) =>
        {
            var ctx = efc.HttpContext;
            if (state.FindZendesk(ctx.GetRouteValue("subdomain") as string ?? "") is not { } account)
            {
                return ZdErrors.NotFound();
            }

            if (Authenticate(account, ctx) is not { } scope)
            {
                return Json.Status(401, new JsonObject { ["error"] = "Couldn't authenticate you" });
            }

            if (!ScopeAllows(scope, ctx))
            {
                return ZdErrors.Forbidden("You do not have access to this page. Please contact the account owner of this help desk for further help.");
            }

            var decision = account.Requests.TryAcquire(account.Settings.RateLimitPerMinute, account.Settings.RateLimitWindow);
            if (decision.Limit > 0)
            {
                ctx.Response.Headers["X-Rate-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
                ctx.Response.Headers["X-Rate-Limit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
                ctx.Response.Headers["ratelimit-limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
                ctx.Response.Headers["ratelimit-remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
                if (account.Settings.RateLimitWindow != TimeSpan.FromMinutes(1))
                {
                    // A scaled window: tell clients when it resets, so they do not pace themselves to a real minute.
                    ctx.Response.Headers["ratelimit-reset"] = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
                }
            }

            if (!decision.Allowed)
            {
                return new TextReply(429, "Number of allowed API requests per minute exceeded",
                    new Dictionary<string, string> { ["Retry-After"] = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture) });
            }

            ctx.Items[AccountKey] = account;
            return await next(efc);
        });

        MapOrganizations(api);
        MapUsers(api);
        MapTickets(api);
        MapJobs(api);
    }

    /// <summary>The granted scope string, or null when the caller is not authenticated.</summary>
    private static string? Authenticate(ZdAccount account, HttpContext ctx)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return account.OAuth.Validate(auth[7..].Trim())?.Scope;
        }

        if (auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth[6..].Trim()));
            }
            catch (FormatException)
            {
                return null;
            }

            var marker = decoded.IndexOf("/token:", StringComparison.Ordinal);
            if (marker > 0 && account.ApiTokens.TryGetValue(decoded[..marker], out var token) &&
                string.Equals(token, decoded[(marker + 7)..], StringComparison.Ordinal))
            {
                return "read write";
            }
        }

        return null;
    }

    private static bool ScopeAllows(string scope, HttpContext ctx)
    {
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var write = !HttpMethods.IsGet(ctx.Request.Method);
        var path = ctx.Request.Path.Value ?? "";
        var resource = path.Contains("/organizations", StringComparison.Ordinal) ? "organizations"
            : path.Contains("/users", StringComparison.Ordinal) ? "users"
            : path.Contains("/tickets", StringComparison.Ordinal) ? "tickets" : null;
        var verb = write ? "write" : "read";
        return scopes.Contains(verb)
            || (resource is not null && scopes.Contains($"{resource}:{verb}"))
            || (resource is null && scopes.Any(s => s.EndsWith(":" + verb, StringComparison.Ordinal)));
    }

    private static IResult Locked(HttpContext ctx, Func<ZdAccount, IResult> action)
    {
        var account = Acct(ctx);
        lock (account.Gate)
        {
            account.PumpJobs();
            return action(account);
        }
    }

    private static async Task<IResult> WithBody(HttpContext ctx, string envelope, CancellationToken ct, Func<ZdAccount, JsonObject, IResult> action)
    {
        var body = await Json.ReadObjectAsync(ctx.Request, ct);
        if (body?[envelope] is not JsonObject inner)
        {
            return ZdErrors.BadRequest("InvalidEndpoint", $"The request body must be a JSON object with a '{envelope}' object.");
        }

        return Locked(ctx, a => action(a, inner));
    }

    private static async Task<IResult> WithArray(HttpContext ctx, string envelope, CancellationToken ct, Func<ZdAccount, JsonArray, IResult> action)
    {
        var body = await Json.ReadObjectAsync(ctx.Request, ct);
        if (body?[envelope] is not JsonArray items || items.Count == 0)
        {
            return ZdErrors.BadRequest("InvalidEndpoint", $"The request body must be a JSON object with a non-empty '{envelope}' array.");
        }

        if (items.Count > 100)
        {
            return ZdErrors.BadRequest("TooManyValues", $"Too many {envelope}: at most 100 per request (got {items.Count}).");
        }

        return Locked(ctx, a => action(a, items));
    }

    private static IReadOnlyList<string> ListParam(HttpContext ctx, string name) =>
        ctx.Request.Query[name].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static JsonReply Single(string key, JsonObject item, int status = 200) => Json.Status(status, new JsonObject { [key] = item });

    private static JsonReply Many(string key, IEnumerable<JsonObject> items)
    {
        var array = new JsonArray([.. items]);
        return Json.Ok(new JsonObject { [key] = array, ["next_page"] = null, ["previous_page"] = null, ["count"] = array.Count });
    }

    private static IResult JobReply(HttpContext ctx, ZdAccount account, ZdJob? job) =>
        job is null
            ? new TextReply(429, $"Too many jobs queued or running (maximum {account.Settings.MaxQueuedJobs}). Retry once some complete.",
                new Dictionary<string, string> { ["Retry-After"] = "5" })
            : Single("job_status", account.Render(job, BaseUrl(ctx, account)));

    /// <summary>
    /// Turns a 422/409 reply into a job result entry with the OAS <c>FailedResult</c> fields (<c>id, action, success,
    /// error, details</c>). <paramref name="id"/> is the record's id when the job found one; otherwise Zendesk puts a
    /// small number there that names no record (here the item's position in the request), so a client cannot match
    /// a failure by id. No <c>index</c>: with it the entry would also be a <c>CreateResourceResult</c>.
    /// </summary>
    private static JsonObject Failure(JsonReply error, string action, long id)
    {
        var entry = new JsonObject { ["id"] = id, ["action"] = action, ["success"] = false };
        var body = error.Body as JsonObject;
        if (body?["details"] is JsonObject details
            && details.FirstOrDefault() is var (_, list)
            && list is JsonArray arr
            && arr.FirstOrDefault() is JsonObject first)
        {
            entry["error"] = first.Str("error") ?? "RecordInvalid";
            entry["details"] = first.Str("description");
        }
        else
        {
            entry["error"] = body?.Str("error") ?? "Failed";
            entry["details"] = body?.Str("description");
        }

        return entry;
    }

    private static IResult Authorize(ZdAccount account, HttpContext ctx) =>
        OAuthHttp.Authorize(account.OAuth, ctx, account.ApiTokens.Keys.FirstOrDefault() ?? "admin", "read write", includeScope: false);

    private static async Task<IResult> TokenAsync(ZdAccount account, HttpContext ctx, CancellationToken ct)
    {
        JsonObject form;
        if (ctx.Request.HasFormContentType)
        {
            var f = await ctx.Request.ReadFormAsync(ct);
            form = [];
            foreach (var (k, v) in f)
            {
                form[k] = v.ToString();
            }
        }
        else
        {
            form = await Json.ReadObjectAsync(ctx.Request, ct) ?? [];
        }

        var (clientId, secret) = OAuthHttp.ClientCredentials(ctx, form.Str("client_id"), form.Str("client_secret"));
        var client = account.OAuth.Authenticate(clientId, secret);
        if (client is null)
        {
            return OAuthHttp.Error(401, "invalid_client", "Client authentication failed.");
        }

        account.OAuth.AccessTokenLifetime = form.Long("expires_in") is { } requested
            ? TimeSpan.FromSeconds(Math.Clamp(requested, 300, 172_800))
            : account.Settings.AccessTokenLifetime;
        var grantType = form.Str("grant_type");
        var result = grantType switch
        {
            "authorization_code" => account.OAuth.ExchangeCode(
                client,
                form.Str("code"),
                form.Str("redirect_uri"),
                form.Str("code_verifier"),
                withRefresh: true),
            "refresh_token" => account.OAuth.Refresh(client, form.Str("refresh_token")),
            "client_credentials" when !client.IsPublic => account.OAuth.Issue(client.ClientId, "client", form.Str("scope") ?? "read write", withRefresh: false),
            "client_credentials" => TokenResult.Fail("unauthorized_client", "client_credentials requires a confidential client."),
            _ => TokenResult.Fail("unsupported_grant_type", "Supported grant types: authorization_code, refresh_token, client_credentials."),
        };
        if (result.Error is not null)
        {
            return OAuthHttp.Error(400, result.Error, result.ErrorDescription!);
        }

        account.OAuth.Granted(grantType!);
        var body = new JsonObject
        {
            ["access_token"] = result.AccessToken,
            ["token_type"] = "bearer",
            ["scope"] = result.Scope,
            ["expires_in"] = result.ExpiresIn is { } e ? (int)e.TotalSeconds : null,
        };
        if (result.RefreshToken is not null)
        {
            body["refresh_token"] = result.RefreshToken;
            body["refresh_token_expires_in"] = (int)result.RefreshExpiresIn!.Value.TotalSeconds;
        }

        // OAS paths./oauth/tokens.post.responses: only "201" (Created response), for every grant type.
        return Json.Status(201, body);
    }
}
