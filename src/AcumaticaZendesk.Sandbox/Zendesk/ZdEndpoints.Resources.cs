using System.Globalization;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.Zendesk;

internal static partial class ZdEndpoints
{
    /// <summary>How one resource (organizations, users) is listed, created, read, updated and looked up in bulk.</summary>
    private sealed record Resource<T>(
        string Plural,
        string Singular,
        Func<ZdAccount, SortedSet<long>> Ids,
        Func<ZdAccount, long, T?> ById,
        Func<ZdAccount, string, T?> ByExternalId,
        Func<ZdAccount, JsonObject, ZdResult<T>> Create,
        Func<ZdAccount, T, JsonObject, ZdResult<T>> Update,
        Func<ZdAccount, T, string, JsonObject> Render,
        Func<T, long> IdOf)
        where T : class
    {
        public string Title => char.ToUpperInvariant(Singular[0]) + Singular[1..];
    }

    /// <summary>List (cursor/offset), create, show_many (ids/external_ids), show and update.</summary>
    private static void MapResource<T>(RouteGroupBuilder api, Resource<T> r)
        where T : class
    {
        api.MapGet(
            $"/{r.Plural}",
            (HttpContext ctx) => Locked(ctx, a => ZdPaging.Page(ctx, a, r.Ids(a), r.Plural, id => r.Render(a, r.ById(a, id)!, BaseUrl(ctx, a)))));
        api.MapPost($"/{r.Plural}", (HttpContext ctx, CancellationToken ct) => WithBody(ctx, r.Singular, ct, (a, input) =>
        {
            var result = r.Create(a, input);
            return result.Error ?? Single(r.Singular, r.Render(a, result.Value!, BaseUrl(ctx, a)), 201);
        }));
        api.MapGet($"/{r.Plural}/show_many", (HttpContext ctx) => Locked(ctx, a =>
        {
            var ids = ListParam(ctx, "ids");
            var exts = ListParam(ctx, "external_ids");
            if (ids.Count + exts.Count > 100)
            {
                return ZdErrors.BadRequest("TooManyValues", "At most 100 ids or external_ids per request.");
            }

            var found = ids.Select(i => long.TryParse(i, out var id) ? r.ById(a, id) : null)
                .Concat(exts.Select(e => r.ByExternalId(a, e))).OfType<T>().Distinct();
            return Many(r.Plural, found.Select(x => r.Render(a, x, BaseUrl(ctx, a))));
        }));
        api.MapGet($"/{r.Plural}/{{id:long}}", (long id, HttpContext ctx) => Locked(ctx, a =>
            r.ById(a, id) is { } x ? Single(r.Singular, r.Render(a, x, BaseUrl(ctx, a))) : ZdErrors.NotFound()));
        api.MapPut($"/{r.Plural}/{{id:long}}", (long id, HttpContext ctx, CancellationToken ct) => WithBody(ctx, r.Singular, ct, (a, input) =>
        {
            if (r.ById(a, id) is not { } x)
            {
                return ZdErrors.NotFound();
            }

            var result = r.Update(a, x, input);
            return result.Error ?? Single(r.Singular, r.Render(a, result.Value!, BaseUrl(ctx, a)));
        }));
        api.MapPost($"/{r.Plural}/create_many", (HttpContext ctx, CancellationToken ct) => WithArray(ctx, r.Plural, ct, (a, items) =>
        {
            var inputs = items.Select(i => i as JsonObject ?? []).Select(i => i.DeepClone().AsObject()).ToList();
            return JobReply(ctx, a, a.QueueJob($"bulk_create_{r.Plural}", inputs.Count, () =>
            {
                var results = new JsonArray();
                for (var i = 0; i < inputs.Count; i++)
                {
                    var created = r.Create(a, inputs[i]);
                    results.Add(created.Error is { } e ? Failure(e, "create", i) : new JsonObject { ["id"] = r.IdOf(created.Value!), ["index"] = i });
                }

                return results;
            }));
        }));
        api.MapPut($"/{r.Plural}/update_many", (HttpContext ctx, CancellationToken ct) => UpdateManyAsync(ctx, r, ct));
    }

    /// <summary>update_many: <c>?ids=</c>/<c>?external_ids=</c> with one shared change, or a batch of objects naming their id/external_id.</summary>
    private static async Task<IResult> UpdateManyAsync<T>(HttpContext ctx, Resource<T> r, CancellationToken ct)
        where T : class
    {
        var body = await Json.ReadObjectAsync(ctx.Request, ct);
        var ids = ListParam(ctx, "ids");
        var exts = ListParam(ctx, "external_ids");
        List<(string? Id, string? Ext, JsonObject Changes)> targets;
        if (ids.Count + exts.Count > 0 && body?[r.Singular] is JsonObject shared)
        {
            targets = [.. ids.Select(i => ((string?)i, (string?)null, shared)), .. exts.Select(e => ((string?)null, (string?)e, shared))];
        }
        else if (body?[r.Plural] is JsonArray batch && batch.Count > 0)
        {
            targets = [.. batch.OfType<JsonObject>().Select(o => (o.Str("id"), o.Str("external_id"), o))];
        }
        else
        {
            return ZdErrors.BadRequest(
                "InvalidEndpoint",
                $"Send ?ids= or ?external_ids= with {{\"{r.Singular}\":{{…}}}}, or {{\"{r.Plural}\":[{{\"id\":…}}]}}.");
        }

        if (targets.Count > 100)
        {
            return ZdErrors.BadRequest("TooManyValues", $"At most 100 {r.Plural} per request.");
        }

        return Locked(ctx, a => JobReply(ctx, a, a.QueueJob($"bulk_update_{r.Plural}", targets.Count, () =>
        {
            var results = new JsonArray();
            for (var i = 0; i < targets.Count; i++)
            {
                var (id, ext, changes) = targets[i];
                long? numericId = id is not null && long.TryParse(id, CultureInfo.InvariantCulture, out var lid) ? lid : null;
                var target = numericId is { } n ? r.ById(a, n) : ext is not null ? r.ByExternalId(a, ext) : null;
                var input = changes.DeepClone().AsObject();
                input.Remove("id");
                if (target is null)
                {
                    var missing = Failure(ZdErrors.NotFound(), "update", numericId ?? i);
                    missing["error"] = $"{r.Title}NotFound";
                    missing["details"] = ext is null ? $"{r.Title} {id} not found" : $"{r.Title} with external_id {ext} not found";
                    results.Add(missing);
                    continue;
                }

                var updated = r.Update(a, target, input);
                results.Add(updated.Error is { } e ? Failure(e, "update", r.IdOf(target))
                    : new JsonObject { ["id"] = r.IdOf(target), ["action"] = "update", ["success"] = true, ["status"] = "Updated" });
            }

            return results;
        })));
    }

    private static void MapOrganizations(RouteGroupBuilder api)
    {
        MapResource(api, new Resource<ZdOrg>("organizations", "organization", a => a.OrgIds, (a, id) => a.Org(id), (a, ext) => a.OrgByExternal(ext),
            (a, o) => a.CreateOrg(o), (a, o, changes) => a.UpdateOrg(o, changes), (a, o, url) => a.Render(o, url), o => o.Id));
        api.MapGet("/organizations/search", (HttpContext ctx) => Locked(ctx, a =>
        {
            var ext = ctx.Request.Query["external_id"].ToString();
            var name = ctx.Request.Query["name"].ToString();
            if (ext.Length > 0 == name.Length > 0)
            {
                return ZdErrors.BadRequest("InvalidParameter", "Provide exactly one of external_id or name.");
            }

            var match = ext.Length > 0 ? a.OrgByExternal(ext) : a.OrgByName(name);
            return Many("organizations", match is null ? [] : [a.Render(match, BaseUrl(ctx, a))]);
        }));
        api.MapPost("/organizations/create_or_update", (HttpContext ctx, CancellationToken ct) => WithBody(ctx, "organization", ct, (a, o) =>
        {
            var r = a.CreateOrUpdateOrg(o);
            return r.Error ?? Single("organization", a.Render(r.Value!, BaseUrl(ctx, a)), r.Created ? 201 : 200);
        }));
        api.MapDelete("/organizations/{id:long}", (long id, HttpContext ctx) => Locked(ctx, a =>
            a.Org(id) is { } o && a.DeleteOrg(o) ? Json.Status(204) : ZdErrors.NotFound()));
    }

    private static void MapUsers(RouteGroupBuilder api)
    {
        MapResource(api, new Resource<ZdUser>("users", "user", a => a.UserIds, (a, id) => a.User(id), (a, ext) => a.UserByExternal(ext),
            (a, u) => a.CreateUser(u), (a, u, changes) => a.UpdateUser(u, changes), (a, u, url) => a.Render(u, url), u => u.Id));
        api.MapGet("/users/search", (HttpContext ctx) => Locked(ctx, a =>
        {
            var ext = ctx.Request.Query["external_id"].ToString();
            var query = ctx.Request.Query["query"].ToString().Trim();
            IEnumerable<ZdUser> found;
            if (ext.Length > 0)
            {
                found = a.UserByExternal(ext) is { } u ? [u] : [];
            }
            else if (query.StartsWith("email:", StringComparison.OrdinalIgnoreCase) || query.Contains('@', StringComparison.Ordinal))
            {
                var email = query.StartsWith("email:", StringComparison.OrdinalIgnoreCase) ? query[6..].Trim('"', ' ') : query;
                found = a.UserByEmail(email) is { } u ? [u] : [];
            }
            else if (query.StartsWith("external_id:", StringComparison.OrdinalIgnoreCase))
            {
                found = a.UserByExternal(query[12..].Trim('"', ' ')) is { } u ? [u] : [];
            }
            else if (query.Length > 0)
            {
                found = a.AllUsers.Where(u => u.Name.Contains(query, StringComparison.OrdinalIgnoreCase)).Take(1000);
            }
            else
            {
                return ZdErrors.BadRequest("InvalidParameter", "Provide external_id or query.");
            }

            return Many("users", found.Select(u => a.Render(u, BaseUrl(ctx, a))));
        }));
        api.MapPost("/users/create_or_update", (HttpContext ctx, CancellationToken ct) => WithBody(ctx, "user", ct, (a, u) =>
        {
            var r = a.CreateOrUpdateUser(u);
            return r.Error ?? Single("user", a.Render(r.Value!, BaseUrl(ctx, a)), r.Created ? 201 : 200);
        }));
        api.MapPost("/users/create_or_update_many", (HttpContext ctx, CancellationToken ct) =>
        {
            if (Acct(ctx).Settings.BulkRefused)
            {
                return Task.FromResult<IResult>(ZdErrors.Forbidden("Bulk user import is not enabled for this account. Contact Zendesk Support to enable it."));
            }

            return WithArray(ctx, "users", ct, (a, items) => UpsertUsersJob(ctx, a, items));
        });
        api.MapGet("/users/{id:long}/identities", (long id, HttpContext ctx) => Locked(ctx, a =>
            a.User(id) is { } u ? Many("identities", u.Identities.Select(i => a.Render(i, BaseUrl(ctx, a)))) : ZdErrors.NotFound()));
        api.MapPost("/users/{id:long}/identities", (long id, HttpContext ctx, CancellationToken ct) => WithBody(ctx, "identity", ct, (a, i) =>
        {
            if (a.User(id) is not { } user)
            {
                return ZdErrors.NotFound();
            }

            var r = a.CreateIdentity(user, i);
            return r.Error ?? Single("identity", a.Render(r.Value!, BaseUrl(ctx, a)), 201);
        }));
        api.MapPut("/users/{id:long}/identities/{identityId:long}/make_primary", (long id, long identityId, HttpContext ctx) => Locked(ctx, a =>
        {
            if (a.User(id) is not { } user || a.MakePrimary(user, identityId) is null)
            {
                return ZdErrors.NotFound();
            }

            return Many("identities", user.Identities.Select(i => a.Render(i, BaseUrl(ctx, a))));
        }));
    }

    private static IResult UpsertUsersJob(HttpContext ctx, ZdAccount a, JsonArray items)
    {
        var inputs = items.Select(i => i as JsonObject ?? []).Select(i => i.DeepClone().AsObject()).ToList();
        return JobReply(ctx, a, a.QueueJob("bulk_create_or_update_users", inputs.Count, () =>
        {
            var results = new JsonArray();
            for (var i = 0; i < inputs.Count; i++)
            {
                // Live results (confirmed by Zendesk staff): {id, status: Created|Updated, email} in request order, no
                // index; a failure {id, error, details, status: Failed} (here with the OAS FailedResult fields as well).
                var r = a.CreateOrUpdateUser(inputs[i]);
                if (r.Error is { } e)
                {
                    var failed = Failure(e, "create_or_update", i);
                    failed["status"] = "Failed";
                    results.Add(failed);
                    continue;
                }

                results.Add(new JsonObject { ["id"] = r.Value!.Id, ["status"] = r.Created ? "Created" : "Updated", ["email"] = r.Value.PrimaryEmail?.Value });
            }

            return results;
        }));
    }

    private static void MapTickets(RouteGroupBuilder api)
    {
        api.MapGet(
            "/tickets",
            (HttpContext ctx) => Locked(ctx, a => ZdPaging.Page(ctx, a, a.TicketIds, "tickets", id => a.Render(a.Ticket(id)!, BaseUrl(ctx, a)))));
        api.MapPost("/tickets", CreateTicketAsync);
        api.MapGet("/tickets/{id:long}", (long id, HttpContext ctx) => Locked(ctx, a => a.Ticket(id) is { } t ? ShowTicket(ctx, a, t) : ZdErrors.NotFound()));
        api.MapPut("/tickets/{id:long}", (long id, HttpContext ctx, CancellationToken ct) => WithBody(ctx, "ticket", ct, (a, t) =>
        {
            if (a.Ticket(id) is not { } ticket)
            {
                return ZdErrors.NotFound();
            }

            var r = a.UpdateTicket(ticket, t);
            return r.Error ?? Single("ticket", a.Render(r.Value!, BaseUrl(ctx, a)));
        }));
        api.MapGet("/tickets/{id:long}/comments", (long id, HttpContext ctx) => Locked(ctx, a =>
        {
            if (a.Ticket(id) is not { } t)
            {
                return ZdErrors.NotFound();
            }

            // Oldest first unless asked: cursor paging takes sort=-created_at, offset paging sort_order=desc (OAS ListTicketComments
            // "Sorting"). Comment ids grow with their creation, so id order is creation order.
            var byId = t.Comments.ToDictionary(c => c.Id);
            var cursor = ctx.Request.Query.ContainsKey("page[size]") || ctx.Request.Query.ContainsKey("page[after]");
            var newestFirst = cursor ? ctx.Request.Query["sort"] == "-created_at" : ctx.Request.Query["sort_order"] == "desc";
            return ZdPaging.Page(ctx, a, new SortedSet<long>(byId.Keys), "comments", cid => ZdAccount.Render(byId[cid]), newestFirst);
        }));
        // The ticket export takes the tickets' sideloads (OAS IncrementalTicketExportCursor "Sideloading"; last_audits is not one).
        MapIncremental(api, "tickets", (ctx, a, position, perPage, baseUrl) =>
        {
            var (page, end, last) = a.ExportAfter(position, perPage);
            return ([.. page.Select(t => a.Render(t, baseUrl))], end, last, body => AddTicketSideloads(ctx, a, page, baseUrl, body));
        });
        MapIncremental(api, "users", (_, a, position, perPage, baseUrl) =>
        {
            var (page, end, last) = a.ExportUsersAfter(position, perPage);
            return ([.. page.Select(u => a.Render(u, baseUrl))], end, last, null);
        });
    }

    /// <summary>
    /// Show Ticket with the sideloads <c>include</c> names (developer.zendesk.com "Side-loading related records": a top-level array
    /// per resource; OAS ShowTicket <c>TicketsInclude</c>).
    /// </summary>
    private static JsonReply ShowTicket(HttpContext ctx, ZdAccount a, ZdTicket t)
    {
        var baseUrl = BaseUrl(ctx, a);
        var body = new JsonObject { ["ticket"] = a.Render(t, baseUrl) };
        AddTicketSideloads(ctx, a, [t], baseUrl, body);
        return Json.Status(200, body);
    }

    /// <summary>
    /// The <c>include</c> sideloads of tickets: <c>users</c> the users they name (requester, submitter, assignee),
    /// <c>organizations</c> their organizations, each record once. Other values are left out, as an unsupported sideload is
    /// (docs/sandbox.md).
    /// </summary>
    private static void AddTicketSideloads(HttpContext ctx, ZdAccount a, IReadOnlyCollection<ZdTicket> tickets, string baseUrl, JsonObject body)
    {
        var include = ListParam(ctx, "include");
        if (include.Contains("users"))
        {
            var named = tickets.SelectMany(t => new[] { t.RequesterId, t.SubmitterId, t.AssigneeId }).OfType<long>().Distinct();
            body["users"] = new JsonArray([.. named.Select(a.User).OfType<ZdUser>().Select(u => (JsonNode)a.Render(u, baseUrl))]);
        }

        if (include.Contains("organizations"))
        {
            var named = tickets.Select(t => t.OrganizationId).OfType<long>().Distinct();
            body["organizations"] = new JsonArray([.. named.Select(a.Org).OfType<ZdOrg>().Select(o => (JsonNode)a.Render(o, baseUrl))]);
        }
    }

    /// <summary>Ticket creation, the one call that honours <c>Idempotency-Key</c> (replies carry <c>x-idempotency-lookup: miss|hit</c>).</summary>
    private static async Task<IResult> CreateTicketAsync(HttpContext ctx, CancellationToken ct)
    {
        using var reader = new StreamReader(ctx.Request.Body, System.Text.Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ct);
        JsonObject? input;
        try
        {
            input = JsonNode.Parse(text)?["ticket"] as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            input = null;
        }

        if (input is null)
        {
            return ZdErrors.BadRequest("InvalidEndpoint", "The request body must be a JSON object with a 'ticket' object.");
        }

        var key = ctx.Request.Headers["Idempotency-Key"].ToString();
        var fingerprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(input.ToJsonString())));
        return Locked(ctx, a =>
        {
            if (key.Length > 0 && a.Remembered(key) is { } seen)
            {
                return seen.Fingerprint == fingerprint
                    ? Json.Status(seen.Reply.Status, seen.Reply.Body?.DeepClone(), new Dictionary<string, string> { ["x-idempotency-lookup"] = "hit" })
                    : Json.Status(
                        400,
                        new JsonObject
                        {
                            ["error"] = "IdempotentRequestError",
                            ["description"] = "The Idempotency-Key was already used with a different request body."
                        });
            }

            var r = a.CreateTicket(input);
            if (r.Error is { } error)
            {
                return error;
            }

            var reply = Json.Status(201, new JsonObject { ["ticket"] = a.Render(r.Value!, BaseUrl(ctx, a)) },
                key.Length > 0 ? new Dictionary<string, string> { ["x-idempotency-lookup"] = "miss" } : null);
            if (key.Length > 0)
            {
                a.Remember(key, fingerprint, reply);
            }

            return reply;
        });
    }

    /// <summary>One page of an incremental export after a (timestamp, id) position.</summary>
    private delegate (List<JsonObject> Items, bool EndOfStream, (long, long) Last, Action<JsonObject>? AddSideloads) ExportPage(
        HttpContext ctx,
        ZdAccount account,
        (long Generated, long Id) position,
        int perPage,
        string baseUrl);

    /// <summary>Cursor-based incremental export with its own per-minute limit (shared by all exports of the account).</summary>
    private static void MapIncremental(RouteGroupBuilder api, string key, ExportPage page) =>
        api.MapGet($"/incremental/{key}/cursor", (HttpContext ctx) =>
        {
            var account = Acct(ctx);
            var decision = account.Exports.TryAcquire(account.Settings.IncrementalExportPerMinute);
            if (!decision.Allowed)
            {
                return new TextReply(429, "Too many requests to incremental export (limit per minute exceeded)",
                    new Dictionary<string, string> { ["Retry-After"] = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture) });
            }

            return Locked(ctx, a => IncrementalExport(ctx, a, key, page));
        });

    private static IResult IncrementalExport(HttpContext ctx, ZdAccount a, string key, ExportPage pageOf)
    {
        var q = ctx.Request.Query;
        (long Generated, long Id) position;
        if (q["cursor"].ToString() is { Length: > 0 } cursor)
        {
            if (ZdAccount.DecodeCursor(cursor) is not { } pos)
            {
                return ZdErrors.BadRequest("InvalidCursor", "The cursor is not valid.");
            }

            position = pos;
        }
        else if (long.TryParse(q["start_time"], out var start))
        {
            var now = a.Now().ToUnixTimeSeconds();
            if (start > now - 60)
            {
                return ZdErrors.BadRequest("InvalidValue", "Too recent start_time. Use a start_time older than 60 seconds.");
            }

            position = (start - 1, long.MaxValue - 1);
        }
        else
        {
            return ZdErrors.BadRequest("InvalidValue", "start_time or cursor is required.");
        }

        var perPage = int.TryParse(q["per_page"], out var pp) && pp > 0 ? Math.Min(pp, 1000) : 1000;
        var baseUrl = BaseUrl(ctx, a);
        var (items, end, last, addSideloads) = pageOf(ctx, a, position, perPage, baseUrl);
        var after = ZdAccount.EncodeCursor(last.Item1, last.Item2);
        var body = new JsonObject
        {
            [key] = new JsonArray([.. items]),
            ["after_url"] = $"{baseUrl}/api/v2/incremental/{key}/cursor.json?cursor={after}",
            ["after_cursor"] = after,
            ["before_url"] = null,
            ["before_cursor"] = null,
            ["end_of_stream"] = end,
        };
        addSideloads?.Invoke(body);
        return Json.Ok(body);
    }

    private static void MapJobs(RouteGroupBuilder api)
    {
        api.MapGet("/job_statuses", (HttpContext ctx) => Locked(ctx, a =>
            Json.Ok(
                new JsonObject
                {
                    ["job_statuses"] = new JsonArray([.. a.RecentJobs().Select(j => a.Render(j, BaseUrl(ctx, a)))]),
                    ["next_page"] = null,
                    ["previous_page"] = null
                })));
        api.MapGet("/job_statuses/show_many", (HttpContext ctx) => Locked(ctx, a =>
        {
            // Unknown and expired ids are left out of the answer; at most 100 ids per request.
            var ids = ListParam(ctx, "ids");
            return ids.Count > 100
                ? ZdErrors.BadRequest("TooManyValues", "At most 100 ids per request.")
                : Json.Ok(
                    new JsonObject { ["job_statuses"] = new JsonArray([.. ids.Select(a.Job).OfType<ZdJob>().Select(j => a.Render(j, BaseUrl(ctx, a)))]) });
        }));
        api.MapGet("/job_statuses/{id}", (string id, HttpContext ctx) => Locked(ctx, a =>
            a.Job(id) is { } j ? Single("job_status", a.Render(j, BaseUrl(ctx, a))) : ZdErrors.NotFound()));
    }
}
