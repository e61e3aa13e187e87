using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Acumatica;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.Control;

/// <summary>The control API under <c>/_sandbox</c> (see docs/sandbox.md); a thin layer over <see cref="SandboxControl"/>.</summary>
internal static class ControlEndpoints
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static void MapControl(this IEndpointRouteBuilder app, SandboxState state, SandboxControl control)
    {
        var g = app.MapGroup("/_sandbox").AddEndpointFilter(async (ctx, next) =>
        {
            try
            {
                return await next(ctx);
            }
            catch (KeyNotFoundException ex)
            {
                return Problem(404, ex.Message);
            }
            catch (ArgumentException ex)
            {
                return Problem(400, ex.Message);
            }
            catch (JsonException ex)
            {
                return Problem(400, ex.Message);
            }
            catch (InvalidOperationException ex)
            {
                return Problem(422, ex.Message);
            }
        });

        g.MapGet("/", () => Json.Ok(Summary(state)));
        g.MapPost("/reset", () => { control.Reset(); return Json.Status(204); });
        g.MapPost("/seed", async (HttpContext ctx, CancellationToken ct) =>
        {
            var body = await Json.ReadObjectAsync(ctx.Request, ct) ?? [];
            var summary = body.Str("profile") == "demo" ? control.SeedDemo() : control.Seed(body.Deserialize<SeedSpec>(Web)!);
            return Json.Ok(JsonSerializer.SerializeToNode(summary, Web)!);
        });
        g.MapGet("/requests", (int? recent) => Json.Ok(new JsonObject
        {
            ["total"] = control.Requests.Total,
            ["counts"] = JsonSerializer.SerializeToNode(control.Requests.Counts(), Web),
            ["recent"] = JsonSerializer.SerializeToNode(control.Requests.Recent(recent ?? 0), Web),
        }));
        g.MapDelete("/requests", () => { control.Requests.Clear(); return Json.Status(204); });
        g.MapGet("/webhooks", () => Json.Ok(new JsonObject
        {
            ["pending"] = control.PendingWebhooks,
            ["attempts"] = JsonSerializer.SerializeToNode(control.WebhookAttempts, Web),
        }));
        g.MapGet("/faults/{system}", (string system) => Json.Ok(JsonSerializer.SerializeToNode(control.GetFaults(system), Web)!));
        g.MapPut("/faults/{system}", (string system, JsonObject body) =>
        {
            control.SetFaults(system, SandboxControl.Overlay(new FaultSettings(), body));
            return Json.Ok(JsonSerializer.SerializeToNode(control.GetFaults(system), Web)!);
        });

        var acu = g.MapGroup("/acumatica/{instance}");
        acu.MapPost("/", (string instance, JsonObject? body) =>
        {
            var versions = body?["versions"] is JsonArray v ? v.Select(x => x!.ToString()).ToArray() : [];
            control.CreateAcumaticaInstance(instance, body?.Str("tenant") ?? "Company", versions);
            return Json.Status(201);
        });
        acu.MapGet("/settings", (string instance) => Json.Ok(JsonSerializer.SerializeToNode(control.GetAcumaticaSettings(instance), Web)!));
        acu.MapPut("/settings", (string instance, JsonObject body) =>
        {
            control.SetAcumaticaSettings(instance, SandboxControl.Overlay(control.GetAcumaticaSettings(instance), body));
            return Json.Ok(JsonSerializer.SerializeToNode(control.GetAcumaticaSettings(instance), Web)!);
        });
        acu.MapGet("/records/{entity}", (string instance, string entity) => Json.Ok(control.AcumaticaRecords(instance, entity)));
        acu.MapGet("/records/{entity}/{key}", (string instance, string entity, string key) =>
            control.AcumaticaRecord(instance, entity, key) is { } r ? Json.Ok(r) : Problem(404, $"No {entity} '{key}'."));
        acu.MapPatch("/records/{entity}/{key}", (string instance, string entity, string key, JsonObject changes) =>
            Json.Ok(new JsonObject { ["changed"] = control.ModifyRecord(instance, entity, key, changes) }));
        acu.MapPut("/records/{entity}/{key}/fault", (string instance, string entity, string key, JsonObject body) =>
        {
            var kind = body.Str("kind") is { } k && Enum.TryParse<AcumaticaRecordFault>(k, ignoreCase: true, out var f)
                ? f
                : throw new ArgumentException($"kind must be one of {string.Join(", ", Enum.GetNames<AcumaticaRecordFault>())}.");
            return Json.Ok(new JsonObject { ["id"] = control.BreakAcumaticaRecord(instance, entity, key, kind).ToString() });
        });
        acu.MapDelete("/records/{entity}/{key}/fault", (string instance, string entity, string key) =>
            control.FixAcumaticaRecord(instance, entity, key) ? Json.Status(204) : Problem(404, $"{entity} '{key}' is not broken."));
        acu.MapPost("/records/{entity}/{key}/email", (string instance, string entity, string key, JsonObject body) =>
            Json.Ok(
                new JsonObject
                {
                    ["lastModifiedDateTime"] = Json.AcuIso(
                        control.ChangeEmail(instance, entity, key, body.Str("email") ?? throw new ArgumentException("email is required")))
                }));
        acu.MapPost("/accounts/{id}/rename", (string instance, string id, JsonObject body) =>
            Json.Ok(
                new JsonObject
                {
                    ["lastModifiedDateTime"] = Json.AcuIso(
                        control.RenameAccount(instance, id, body.Str("name") ?? throw new ArgumentException("name is required")))
                }));
        acu.MapPost("/accounts/{id}/contacts", (string instance, string id, JsonObject body) =>
            Json.Status(
                201,
                new JsonObject
                {
                    ["contactId"] = control.AddContact(
                        instance,
                        id,
                        body.Str("firstName") ?? "",
                        body.Str("lastName") ?? throw new ArgumentException("lastName is required"),
                        body.Str("email") ?? "")
                }));
        acu.MapPost("/users", (string instance, JsonObject body) =>
        {
            control.AddAcumaticaUser(
                instance,
                body.Str("name") ?? throw new ArgumentException("name is required"),
                body.Str("password") ?? throw new ArgumentException("password is required"));
            return Json.Status(204);
        });
        acu.MapPost("/clients", (string instance, JsonObject body) =>
        {
            control.AddAcumaticaClient(
                instance,
                new OAuthClient(body.Str("clientId") ?? throw new ArgumentException("clientId is required"), body.Str("clientSecret"),
                body["redirectUris"] is JsonArray r ? [.. r.Select(x => x!.ToString())] : []));
            return Json.Status(204);
        });
        acu.MapGet("/versions", (string instance) => Json.Ok(new JsonArray([.. control.EndpointVersions(instance).Select(v => (JsonNode)v)])));
        acu.MapPost("/versions/{version}", (string instance, string version) => Json.Status(control.AddEndpointVersion(instance, version) ? 201 : 200));
        acu.MapDelete(
            "/versions/{version}",
            (string instance, string version) =>
                control.RemoveEndpointVersion(instance, version) ? Json.Status(204) : Problem(404, $"Version '{version}' is not installed."));
        acu.MapGet("/sessions", (string instance) => Json.Ok(new JsonObject { ["open"] = control.OpenSessions(instance) }));
        acu.MapDelete("/sessions", (string instance) => { control.ClearSessions(instance); return Json.Status(204); });
        acu.MapPost(
            "/revoke-tokens",
            (string instance, bool? access) => Json.Ok(new JsonObject { ["revoked"] = control.RevokeAcumaticaTokens(instance, access ?? false) }));
        acu.MapPost("/expire-tokens", (string instance) => { control.ExpireAcumaticaAccessTokens(instance); return Json.Status(204); });

        var zd = g.MapGroup("/zendesk/{subdomain}");
        zd.MapPost("/", (string subdomain) => { control.CreateZendeskAccount(subdomain); return Json.Status(201); });
        zd.MapGet("/settings", (string subdomain) => Json.Ok(JsonSerializer.SerializeToNode(control.GetZendeskSettings(subdomain), Web)!));
        zd.MapPut("/settings", (string subdomain, JsonObject body) =>
        {
            control.SetZendeskSettings(subdomain, SandboxControl.Overlay(control.GetZendeskSettings(subdomain), body));
            return Json.Ok(JsonSerializer.SerializeToNode(control.GetZendeskSettings(subdomain), Web)!);
        });
        zd.MapPut("/webhook", (string subdomain, JsonObject body) =>
        {
            control.ConfigureWebhook(
                subdomain,
                body.Str("url"),
                body.Str("secret") ?? throw new ArgumentException("secret is required"),
                body.Str("webhookId") ?? "01GK8E6BKWMJZD2T8Y5AXJQMG5");
            return Json.Status(204);
        });
        zd.MapGet("/organizations", (string subdomain) => Json.Ok(control.Organizations(subdomain)));
        zd.MapPost("/organizations", (string subdomain, JsonObject body) => Json.Status(201, control.CreateOrganization(subdomain, body)));
        zd.MapGet("/users", (string subdomain) => Json.Ok(control.Users(subdomain)));
        zd.MapPost("/users", (string subdomain, JsonObject body) => Json.Status(201, control.CreateUser(subdomain, body)));
        zd.MapGet("/tickets", (string subdomain) => Json.Ok(control.Tickets(subdomain)));
        zd.MapPost("/tickets", (string subdomain, JsonObject body) => Json.Status(201, control.CreateTicket(subdomain, body)));
        zd.MapPut("/tickets/{id:long}", (string subdomain, long id, JsonObject body) => Json.Ok(control.UpdateTicket(subdomain, id, body)));
        zd.MapPost(
            "/tickets/{id:long}/solve",
            (string subdomain, long id, JsonObject? body) => Json.Ok(control.SolveTicket(subdomain, id, body?.Str("comment"))));
        zd.MapPost("/clients", (string subdomain, JsonObject body) =>
        {
            control.AddZendeskClient(
                subdomain,
                new OAuthClient(body.Str("clientId") ?? throw new ArgumentException("clientId is required"), body.Str("clientSecret"),
                body["redirectUris"] is JsonArray r ? [.. r.Select(x => x!.ToString())] : []));
            return Json.Status(204);
        });
        zd.MapPost("/api-tokens", (string subdomain, JsonObject body) =>
        {
            control.AddZendeskApiToken(
                subdomain,
                body.Str("email") ?? throw new ArgumentException("email is required"),
                body.Str("token") ?? throw new ArgumentException("token is required"));
            return Json.Status(204);
        });
        zd.MapPost(
            "/revoke-tokens",
            (string subdomain, bool? access) => Json.Ok(new JsonObject { ["revoked"] = control.RevokeZendeskTokens(subdomain, access ?? false) }));
        zd.MapPost("/expire-tokens", (string subdomain) => { control.ExpireZendeskAccessTokens(subdomain); return Json.Status(204); });
    }

    private static JsonReply Problem(int status, string message) => Json.Status(status, new JsonObject { ["error"] = message });

    private static JsonObject Summary(SandboxState state) => new()
    {
        ["acumatica"] = new JsonArray([.. state.AcumaticaInstances.Select(i => (JsonNode)new JsonObject
        {
            ["instance"] = i.Name,
            ["tenant"] = i.Tenant,
            ["versions"] = new JsonArray([.. i.Versions.ToArray().Select(v => (JsonNode)v)]),
            ["counts"] = new JsonObject([.. AcuEntityDef.All.Values.Select(d => new KeyValuePair<string, JsonNode?>(d.Name, i.Count(d)))]),
        })]),
        ["zendesk"] = new JsonArray([.. state.ZendeskAccounts.Select(a =>
        {
            lock (a.Gate)
            {
                return (JsonNode)new JsonObject
                {
                    ["subdomain"] = a.Subdomain,
                    ["organizations"] = a.OrgCount,
                    ["users"] = a.UserCount,
                    ["tickets"] = a.TicketCount,
                    ["webhook"] = a.Webhook?.Url
                };
            }
        })]),
        ["requests"] = state.Requests.Total,
    };
}
