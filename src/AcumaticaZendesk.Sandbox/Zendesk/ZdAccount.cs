using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>Result of a write: the record or a ready error reply.</summary>
internal readonly record struct ZdResult<T>(T? Value, JsonReply? Error, bool Created = false)
    where T : class
{
    public static implicit operator ZdResult<T>(JsonReply error) => new(null, error);
}

/// <summary>One simulated Zendesk Support account. All collections are guarded by <see cref="Gate"/>.</summary>
internal sealed partial class ZdAccount
{
    private readonly TimeProvider time;
    private readonly Dictionary<long, ZdOrg> orgs = [];
    private readonly SortedSet<long> orgIds = [];
    private readonly Dictionary<string, ZdOrg> orgByExternal = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ZdOrg> orgByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, ZdUser> users = [];
    private readonly SortedSet<long> userIds = [];
    private readonly Dictionary<string, ZdUser> userByEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ZdUser> userByExternal = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, ZdTicket> tickets = [];
    private readonly SortedSet<long> ticketIds = [];
    private readonly SortedSet<(long Generated, long Id)> ticketStream = [];
    private readonly List<ZdJob> jobs = [];
    private readonly Dictionary<(char Kind, long Id), DateTimeOffset> lastWrite = [];
    private long nextId = 360_000_000_000;
    private long nextTicketId = 1000;

    public ZdAccount(string subdomain, TimeProvider time)
    {
        Subdomain = subdomain;
        this.time = time;
        OAuth = new OAuthStore(time);
        Requests = new FixedWindowLimiter(time);
        Exports = new FixedWindowLimiter(time);
    }

    public Lock Gate { get; } = new();

    public string Subdomain { get; }

    public ZendeskSettings Settings { get; set; } = new();

    public OAuthStore OAuth { get; }

    /// <summary>API tokens by "email/token" user → token.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> ApiTokens { get; } = new(StringComparer.OrdinalIgnoreCase);

    public FixedWindowLimiter Requests { get; }

    public FixedWindowLimiter Exports { get; }

    public WebhookTarget? Webhook { get; set; }

    /// <summary>Raised (under the gate) for every webhook-worthy change.</summary>
    public Action<ZdAccount, JsonObject>? EventSink { get; set; }

    public DateTimeOffset Now() => TruncateSeconds(time.GetUtcNow());

    private static DateTimeOffset TruncateSeconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    public int OrgCount => orgs.Count;

    public int UserCount => users.Count;

    public int TicketCount => tickets.Count;

    public IEnumerable<ZdOrg> AllOrgs => orgIds.Select(id => orgs[id]);

    public IEnumerable<ZdUser> AllUsers => userIds.Select(id => users[id]);

    public IEnumerable<ZdTicket> AllTickets => ticketIds.Select(id => tickets[id]);

    public void Clear()
    {
        lock (Gate)
        {
            orgs.Clear(); orgIds.Clear(); orgByExternal.Clear(); orgByName.Clear();
            users.Clear(); userIds.Clear(); userByEmail.Clear(); userByExternal.Clear();
            tickets.Clear(); ticketIds.Clear(); ticketStream.Clear();
            jobs.Clear(); lastWrite.Clear();
        }
    }

    private long NewId() => nextId += 1 + (nextId % 7);

    /// <summary>409 DatabaseConflict when the same record was written within the conflict window.</summary>
    private JsonReply? CheckConflict(char kind, long id)
    {
        if (Settings.ConflictWindow <= TimeSpan.Zero)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (lastWrite.TryGetValue((kind, id), out var last) && now - last < Settings.ConflictWindow)
        {
            return ZdErrors.Conflict();
        }

        lastWrite[(kind, id)] = now;
        return null;
    }

    // ------------------------------------------------------------------ organizations

    public ZdOrg? Org(long id) => orgs.GetValueOrDefault(id);

    public ZdOrg? OrgByExternal(string externalId) => orgByExternal.GetValueOrDefault(externalId);

    public ZdOrg? OrgByName(string name) => orgByName.GetValueOrDefault(name);

    public ZdResult<ZdOrg> CreateOrg(JsonObject input)
    {
        var name = input.Str("name")?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return ZdErrors.Invalid("name", "Name: is too short (minimum is 1 characters)", "BlankValue");
        }

        if (orgByName.ContainsKey(name))
        {
            return ZdErrors.Invalid("name", $"Name: {name} has already been taken");
        }

        var ext = input.Str("external_id");
        if (!string.IsNullOrEmpty(ext) && orgByExternal.ContainsKey(ext))
        {
            return ZdErrors.Invalid("external_id", $"External: {ext} has already been taken");
        }

        var now = Now();
        var org = new ZdOrg { Id = NewId(), CreatedAt = now, UpdatedAt = now, Name = name };
        Apply(org, input);
        orgs[org.Id] = org;
        orgIds.Add(org.Id);
        orgByName[org.Name] = org;
        if (!string.IsNullOrEmpty(org.ExternalId))
        {
            orgByExternal[org.ExternalId] = org;
        }

        Emit("organization", "created", org.Id, OrgDetail(org), new JsonObject());
        return new ZdResult<ZdOrg>(org, null, true);
    }

    public ZdResult<ZdOrg> UpdateOrg(ZdOrg org, JsonObject input)
    {
        if (CheckConflict('o', org.Id) is { } conflict)
        {
            return conflict;
        }

        var name = input.Has("name") ? input.Str("name")?.Trim() : org.Name;
        if (string.IsNullOrEmpty(name))
        {
            return ZdErrors.Invalid("name", "Name: is too short (minimum is 1 characters)", "BlankValue");
        }

        if (orgByName.TryGetValue(name, out var other) && other != org)
        {
            return ZdErrors.Invalid("name", $"Name: {name} has already been taken");
        }

        var ext = input.Has("external_id") ? input.Str("external_id") : org.ExternalId;
        if (!string.IsNullOrEmpty(ext) && orgByExternal.TryGetValue(ext, out var otherExt) && otherExt != org)
        {
            return ZdErrors.Invalid("external_id", $"External: {ext} has already been taken");
        }

        var oldName = org.Name;
        var oldExt = org.ExternalId;
        orgByName.Remove(org.Name);
        if (!string.IsNullOrEmpty(org.ExternalId))
        {
            orgByExternal.Remove(org.ExternalId);
        }

        org.Name = name;
        Apply(org, input);
        orgByName[org.Name] = org;
        if (!string.IsNullOrEmpty(org.ExternalId))
        {
            orgByExternal[org.ExternalId] = org;
        }

        org.UpdatedAt = Now();
        if (!string.Equals(oldName, org.Name, StringComparison.Ordinal))
        {
            Emit("organization", "name_changed", org.Id, OrgDetail(org), Change(oldName, org.Name));
        }

        if (!string.Equals(oldExt, org.ExternalId, StringComparison.Ordinal))
        {
            Emit("organization", "external_id_changed", org.Id, OrgDetail(org), Change(oldExt, org.ExternalId));
        }

        return new ZdResult<ZdOrg>(org, null);
    }

    public bool DeleteOrg(ZdOrg org)
    {
        if (!orgs.Remove(org.Id))
        {
            return false;
        }

        orgIds.Remove(org.Id);
        orgByName.Remove(org.Name);
        if (!string.IsNullOrEmpty(org.ExternalId))
        {
            orgByExternal.Remove(org.ExternalId);
        }

        Emit("organization", "deleted", org.Id, OrgDetail(org), new JsonObject());
        return true;
    }

    /// <summary>create_or_update: matches only by id or external_id (case-insensitive); otherwise creates.</summary>
    public ZdResult<ZdOrg> CreateOrUpdateOrg(JsonObject input)
    {
        ZdOrg? match = null;
        if (input.Long("id") is { } id)
        {
            match = orgs.GetValueOrDefault(id);
        }

        if (match is null && input.Str("external_id") is { Length: > 0 } ext)
        {
            match = orgByExternal.GetValueOrDefault(ext);
        }

        return match is null ? CreateOrg(input) : UpdateOrg(match, input);
    }

    private static void Apply(ZdOrg org, JsonObject input)
    {
        if (input.Has("external_id")) org.ExternalId = input.Str("external_id");
        if (input.Has("details")) org.Details = input.Str("details");
        if (input.Has("notes")) org.Notes = input.Str("notes");
        if (input.Has("group_id")) org.GroupId = input.Long("group_id");
        if (input.Has("shared_tickets")) org.SharedTickets = input.Bool("shared_tickets") ?? false;
        if (input.Has("shared_comments")) org.SharedComments = input.Bool("shared_comments") ?? false;
        if (input["domain_names"] is JsonArray d) org.DomainNames = [.. d.Select(x => x?.ToString() ?? "")];
        if (input["tags"] is JsonArray t) org.Tags = [.. t.Select(x => x?.ToString() ?? "").Distinct()];
        if (input["organization_fields"] is JsonObject f)
        {
            foreach (var (k, v) in f)
            {
                org.Fields[k] = v?.DeepClone();
            }
        }
    }

    public JsonObject Render(ZdOrg o, string baseUrl) => new()
    {
        ["url"] = $"{baseUrl}/api/v2/organizations/{o.Id}.json",
        ["id"] = o.Id,
        ["name"] = o.Name,
        ["shared_tickets"] = o.SharedTickets,
        ["shared_comments"] = o.SharedComments,
        ["external_id"] = o.ExternalId,
        ["created_at"] = Json.Iso(o.CreatedAt),
        ["updated_at"] = Json.Iso(o.UpdatedAt),
        ["domain_names"] = new JsonArray([.. o.DomainNames.Select(x => (JsonNode)x)]),
        ["details"] = o.Details,
        ["notes"] = o.Notes,
        ["group_id"] = o.GroupId,
        ["tags"] = new JsonArray([.. o.Tags.Select(x => (JsonNode)x)]),
        ["organization_fields"] = o.Fields.DeepClone(),
    };

    private static JsonObject OrgDetail(ZdOrg o) => new()
    {
        ["created_at"] = Json.Iso(o.CreatedAt),
        ["external_id"] = o.ExternalId,
        ["group_id"] = (o.GroupId ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["id"] = o.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["name"] = o.Name,
        ["shared_comments"] = o.SharedComments,
        ["shared_tickets"] = o.SharedTickets,
        ["updated_at"] = Json.Iso(o.UpdatedAt),
    };

    private static JsonObject Change(string? previous, string? current) => new() { ["current"] = current, ["previous"] = previous };

    // ------------------------------------------------------------------ users

    public ZdUser? User(long id) => users.GetValueOrDefault(id);

    public ZdUser? UserByExternal(string externalId) => userByExternal.GetValueOrDefault(externalId);

    public ZdUser? UserByEmail(string email) => userByEmail.GetValueOrDefault(email);

    public ZdResult<ZdUser> CreateUser(JsonObject input)
    {
        var name = input.Str("name")?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return ZdErrors.Invalid("name", "Name: is too short (minimum is 1 characters)", "BlankValue");
        }

        var email = input.Str("email")?.Trim();
        if (!string.IsNullOrEmpty(email) && userByEmail.ContainsKey(email))
        {
            return ZdErrors.Invalid("email", $"Email: {email} is already being used by another user");
        }

        if (!string.IsNullOrEmpty(email) && !email.Contains('@', StringComparison.Ordinal))
        {
            return ZdErrors.Invalid("email", $"Email: {email} is not properly formatted", "InvalidFormat");
        }

        var ext = input.Str("external_id");
        if (!string.IsNullOrEmpty(ext) && userByExternal.ContainsKey(ext))
        {
            return ZdErrors.Invalid("external_id", $"External: {ext} has already been taken");
        }

        var now = Now();
        var user = new ZdUser { Id = NewId(), Name = name, CreatedAt = now, UpdatedAt = now };
        ApplyUser(user, input);
        users[user.Id] = user;
        userIds.Add(user.Id);
        if (!string.IsNullOrEmpty(user.ExternalId))
        {
            userByExternal[user.ExternalId] = user;
        }

        if (!string.IsNullOrEmpty(email))
        {
            AddIdentity(user, email, primary: true, verified: input.Bool("verified") ?? false);
        }

        if (input["identities"] is JsonArray ids)
        {
            foreach (var i in ids.OfType<JsonObject>().Where(i => i.Str("type") == "email" && i.Str("value") is { Length: > 0 }))
            {
                if (!userByEmail.ContainsKey(i.Str("value")!))
                {
                    AddIdentity(user, i.Str("value")!, primary: user.PrimaryEmail is null, verified: false);
                }
            }
        }

        Emit("user", "created", user.Id, UserDetail(user), new JsonObject());
        return new ZdResult<ZdUser>(user, null, true);
    }

    /// <summary>Update: email is create-only; sending a new one adds a secondary identity.</summary>
    public ZdResult<ZdUser> UpdateUser(ZdUser user, JsonObject input)
    {
        if (CheckConflict('u', user.Id) is { } conflict)
        {
            return conflict;
        }

        if (input.Has("name") && string.IsNullOrWhiteSpace(input.Str("name")))
        {
            return ZdErrors.Invalid("name", "Name: is too short (minimum is 1 characters)", "BlankValue");
        }

        var email = input.Str("email")?.Trim();
        if (!string.IsNullOrEmpty(email) && userByEmail.TryGetValue(email, out var owner) && owner != user)
        {
            return ZdErrors.Invalid("email", $"Email: {email} is already being used by another user");
        }

        var ext = input.Has("external_id") ? input.Str("external_id") : user.ExternalId;
        if (!string.IsNullOrEmpty(ext) && userByExternal.TryGetValue(ext, out var otherExt) && otherExt != user)
        {
            return ZdErrors.Invalid("external_id", $"External: {ext} has already been taken");
        }

        var oldExt = user.ExternalId;
        if (input.Has("name"))
        {
            user.Name = input.Str("name")!.Trim();
        }

        if (!string.IsNullOrEmpty(user.ExternalId))
        {
            userByExternal.Remove(user.ExternalId);
        }

        ApplyUser(user, input);

        if (!string.IsNullOrEmpty(user.ExternalId))
        {
            userByExternal[user.ExternalId] = user;
        }

        if (!string.IsNullOrEmpty(email) && !userByEmail.ContainsKey(email))
        {
            var identity = AddIdentity(user, email, primary: user.PrimaryEmail is null, verified: false);
            Emit(
                "user",
                "identity_created",
                user.Id,
                UserDetail(user),
                new JsonObject
                {
                    ["current"] = new JsonObject
                    {
                        ["id"] = identity.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["type"] = "email",
                        ["value"] = email
                    }
                });
        }

        user.UpdatedAt = Now();
        if (!string.Equals(oldExt, user.ExternalId, StringComparison.Ordinal))
        {
            Emit("user", "external_id_changed", user.Id, UserDetail(user), Change(oldExt, user.ExternalId));
        }

        return new ZdResult<ZdUser>(user, null);
    }

    /// <summary>create_or_update: matches by email (any identity) or external_id, both case-insensitive.</summary>
    public ZdResult<ZdUser> CreateOrUpdateUser(JsonObject input)
    {
        ZdUser? match = null;
        if (input.Str("email") is { Length: > 0 } email)
        {
            match = userByEmail.GetValueOrDefault(email.Trim());
        }

        if (match is null && input.Str("external_id") is { Length: > 0 } ext)
        {
            match = userByExternal.GetValueOrDefault(ext);
        }

        return match is null ? CreateUser(input) : UpdateUser(match, input);
    }

    private static void ApplyUser(ZdUser user, JsonObject input)
    {
        if (input.Has("external_id")) user.ExternalId = input.Str("external_id");
        if (input.Has("role") && input.Str("role") is { Length: > 0 } role) user.Role = role;
        if (input.Has("organization_id")) user.OrganizationId = input.Long("organization_id");
        if (input.Has("phone")) user.Phone = input.Str("phone");
        if (input.Has("active")) user.Active = input.Bool("active") ?? true;
        if (input["tags"] is JsonArray t) user.Tags = [.. t.Select(x => x?.ToString() ?? "").Distinct()];
        if (input["user_fields"] is JsonObject f)
        {
            foreach (var (k, v) in f)
            {
                user.UserFields[k] = v?.DeepClone();
            }
        }
    }

    public ZdIdentity AddIdentity(ZdUser user, string email, bool primary, bool verified)
    {
        var now = Now();
        var identity = new ZdIdentity
        {
            Id = NewId(),
            UserId = user.Id,
            Value = email,
            Primary = primary,
            Verified = verified,
            CreatedAt = now,
            UpdatedAt = now
        };
        user.Identities.Add(identity);
        userByEmail[email] = user;
        return identity;
    }

    public ZdResult<ZdIdentity> CreateIdentity(ZdUser user, JsonObject input)
    {
        var type = input.Str("type");
        var value = input.Str("value")?.Trim();
        if (type is not ("email" or "phone_number" or "twitter" or "facebook" or "google" or "agent_forwarding"))
        {
            return ZdErrors.Invalid("type", $"Type: {type} is not a supported identity type", "InvalidValue");
        }

        if (string.IsNullOrEmpty(value))
        {
            return ZdErrors.Invalid("value", "Value: cannot be blank", "BlankValue");
        }

        if (type == "email" && userByEmail.ContainsKey(value))
        {
            return ZdErrors.Invalid("value", $"Value: {value} is already being used by another user");
        }

        var identity = AddIdentity(user, value, primary: false, verified: input.Bool("verified") ?? false);
        user.UpdatedAt = Now();
        return new ZdResult<ZdIdentity>(identity, null, true);
    }

    public ZdIdentity? MakePrimary(ZdUser user, long identityId)
    {
        var target = user.Identities.FirstOrDefault(i => i.Id == identityId);
        if (target is null)
        {
            return null;
        }

        var old = user.PrimaryEmail?.Value;
        foreach (var i in user.Identities.Where(i => i.Type == target.Type))
        {
            i.Primary = i == target;
            i.UpdatedAt = Now();
        }

        user.UpdatedAt = Now();
        if (target.Type == "email" && !string.Equals(old, target.Value, StringComparison.OrdinalIgnoreCase))
        {
            Emit("user", "email_changed", user.Id, UserDetail(user), Change(old, target.Value));
        }

        return target;
    }

    /// <summary>
    /// Drops null-valued properties. The OAS declares many user/ticket fields non-nullable (or enums without null),
    /// so the sandbox omits unset ones rather than sending null; clients read a missing field as null.
    /// </summary>
    internal static JsonObject Compact(JsonObject obj)
    {
        foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            obj.Remove(key);
        }

        return obj;
    }

    public JsonObject Render(ZdUser u, string baseUrl) => Compact(new()
    {
        ["id"] = u.Id,
        ["url"] = $"{baseUrl}/api/v2/users/{u.Id}.json",
        ["name"] = u.Name,
        ["email"] = u.PrimaryEmail?.Value,
        ["created_at"] = Json.Iso(u.CreatedAt),
        ["updated_at"] = Json.Iso(u.UpdatedAt),
        ["time_zone"] = "Eastern Time (US & Canada)",
        ["iana_time_zone"] = "America/New_York",
        ["phone"] = u.Phone,
        ["shared_phone_number"] = null,
        ["photo"] = null,
        ["locale_id"] = 1,
        ["locale"] = "en-US",
        ["organization_id"] = u.OrganizationId,
        ["role"] = u.Role,
        ["verified"] = u.PrimaryEmail?.Verified ?? false,
        ["external_id"] = u.ExternalId,
        ["tags"] = new JsonArray([.. u.Tags.Select(x => (JsonNode)x)]),
        ["alias"] = "",
        ["active"] = u.Active,
        ["shared"] = false,
        ["shared_agent"] = false,
        ["last_login_at"] = null,
        ["two_factor_auth_enabled"] = null,
        ["signature"] = null,
        ["details"] = "",
        ["notes"] = "",
        ["role_type"] = null,
        ["custom_role_id"] = null,
        ["moderator"] = false,
        ["ticket_restriction"] = "requested",
        ["only_private_comments"] = false,
        ["restricted_agent"] = true,
        ["suspended"] = false,
        ["default_group_id"] = null,
        ["report_csv"] = false,
        ["user_fields"] = u.UserFields.DeepClone(),
    });

    public JsonObject Render(ZdIdentity i, string baseUrl) => new()
    {
        ["url"] = $"{baseUrl}/api/v2/users/{i.UserId}/identities/{i.Id}.json",
        ["id"] = i.Id,
        ["user_id"] = i.UserId,
        ["type"] = i.Type,
        ["value"] = i.Value,
        ["verified"] = i.Verified,
        ["primary"] = i.Primary,
        ["created_at"] = Json.Iso(i.CreatedAt),
        ["updated_at"] = Json.Iso(i.UpdatedAt),
        ["undeliverable_count"] = 0,
        ["deliverable_state"] = "deliverable",
    };

    private static JsonObject UserDetail(ZdUser u) => new()
    {
        ["created_at"] = Json.Iso(u.CreatedAt),
        ["email"] = u.PrimaryEmail?.Value,
        ["external_id"] = u.ExternalId,
        ["default_group_id"] = "0",
        ["id"] = u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["organization_id"] = (u.OrganizationId ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["role"] = u.Role,
        ["updated_at"] = Json.Iso(u.UpdatedAt),
    };

    // ------------------------------------------------------------------ webhook events

    private void Emit(string domain, string eventName, long id, JsonObject detail, JsonObject evt)
    {
        if (EventSink is null)
        {
            return;
        }

        var envelope = new JsonObject
        {
            ["type"] = $"zen:event-type:{domain}.{eventName}",
            ["account_id"] = Settings.AccountId,
            ["id"] = Guid.NewGuid().ToString(),
            ["time"] = Json.Iso(time.GetUtcNow()),
            ["zendesk_event_version"] = domain == "ticket" ? "2022-11-06" : "2022-06-20",
            ["subject"] = $"zen:{domain}:{id}",
            ["detail"] = detail,
            ["event"] = evt,
        };
        EventSink(this, envelope);
    }

    internal static string JsonText(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
