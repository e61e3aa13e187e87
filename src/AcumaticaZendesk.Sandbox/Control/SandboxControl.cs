using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Acumatica;
using AcumaticaZendesk.Sandbox.Infrastructure;
using AcumaticaZendesk.Sandbox.Zendesk;

namespace AcumaticaZendesk.Sandbox.Control;

/// <summary>
/// The control surface for tests, demos and benchmarks (also served over HTTP under <c>/_sandbox</c>).
/// Record-returning methods give the same JSON shape the simulated API would return.
/// </summary>
public sealed class SandboxControl
{
    private static readonly JsonSerializerOptions SettingsJson = new(JsonSerializerDefaults.Web);
    private readonly SandboxState state;

    internal SandboxControl(SandboxState state) => this.state = state;

    public RequestLog Requests => state.Requests;

    public IReadOnlyList<WebhookAttempt> WebhookAttempts => state.Webhooks.Attempts;

    /// <summary>Webhook events accepted but not yet delivered or given up.</summary>
    public int PendingWebhooks => state.Webhooks.Pending;

    // ------------------------------------------------------------------ setup

    public SeedSummary Seed(SeedSpec spec) => Seeder.Seed(state, spec);

    public SeedSummary SeedDemo() => Seeder.SeedDemo(state);

    /// <summary>Forgets every instance, account, request count, webhook attempt and fault.</summary>
    public void Reset() => state.Reset();

    public void CreateAcumaticaInstance(string name, string tenant = "Company", params string[] versions) =>
        state.AddAcumatica(name, tenant, versions.Length == 0 ? ["23.200.001", "24.200.001"] : versions);

    public void CreateZendeskAccount(string subdomain) => state.AddZendesk(subdomain);

    /// <summary>Adds the demo user, OAuth clients and API token (see <see cref="DemoCredentials"/>) to an instance and account.</summary>
    public void AddDemoCredentials(string instance, string subdomain) => Seeder.ConfigureDemoAccess(Acu(instance), Zd(subdomain));

    // ------------------------------------------------------------------ Acumatica

    public AcumaticaSettings GetAcumaticaSettings(string instance) => Acu(instance).Settings;

    public void SetAcumaticaSettings(string instance, AcumaticaSettings settings) => Acu(instance).Settings = settings;

    public void AddAcumaticaUser(string instance, string user, string password) => Acu(instance).Users[user] = password;

    public void AddAcumaticaClient(string instance, OAuthClient client) => Acu(instance).OAuth.AddClient(client);

    public IReadOnlyList<string> EndpointVersions(string instance)
    {
        var i = Acu(instance);
        lock (i.Gate)
        {
            return [.. i.Versions];
        }
    }

    public bool RemoveEndpointVersion(string instance, string version)
    {
        var i = Acu(instance);
        lock (i.Gate)
        {
            return i.Versions.Remove(version);
        }
    }

    public bool AddEndpointVersion(string instance, string version)
    {
        var i = Acu(instance);
        lock (i.Gate)
        {
            return i.Versions.Add(version);
        }
    }

    /// <summary>All records of an entity, rendered with every linked entity expanded, in internal row order.</summary>
    public JsonArray AcumaticaRecords(string instance, string entity)
    {
        var (i, def) = (Acu(instance), Def(entity));
        var projection = new Projection(null, new HashSet<string>(def.Linked.Concat(["MainContact/Address", "Contacts"]), StringComparer.OrdinalIgnoreCase));
        lock (i.Gate)
        {
            var n = 0;
            return new JsonArray([.. i.Scan(def, null).Select(r => (JsonNode)AcuRenderer.Render(i, "24.200.001", r, projection, ++n))]);
        }
    }

    public JsonObject? AcumaticaRecord(string instance, string entity, string keyOrId)
    {
        var (i, def) = (Acu(instance), Def(entity));
        var projection = new Projection(null, new HashSet<string>(def.Linked.Concat(["MainContact/Address", "Contacts"]), StringComparer.OrdinalIgnoreCase));
        lock (i.Gate)
        {
            return i.Find(def, keyOrId) is { } r ? AcuRenderer.Render(i, "24.200.001", r, projection, 1) : null;
        }
    }

    public int AcumaticaCount(string instance, string entity) => Acu(instance).Count(Def(entity));

    /// <summary>
    /// From now on the entity API (list and single GET) answers this record broken as <paramref name="fault"/> says;
    /// the stored record and the control API's view of it stay intact. Returns the record's id.
    /// </summary>
    public Guid BreakAcumaticaRecord(string instance, string entity, string keyOrId, AcumaticaRecordFault fault)
    {
        var (i, def) = (Acu(instance), Def(entity));
        lock (i.Gate)
        {
            var r = i.Find(def, keyOrId) ?? throw new KeyNotFoundException($"No {def.Name} '{keyOrId}' in instance '{instance}'.");
            i.RecordFaults[r.Id] = fault;
            return r.Id;
        }
    }

    /// <summary>The entity API answers the record intact again (its LastModifiedDateTime does not move). False when it was not broken.</summary>
    public bool FixAcumaticaRecord(string instance, string entity, string keyOrId)
    {
        var (i, def) = (Acu(instance), Def(entity));
        lock (i.Gate)
        {
            var r = i.Find(def, keyOrId) ?? throw new KeyNotFoundException($"No {def.Name} '{keyOrId}' in instance '{instance}'.");
            return i.RecordFaults.Remove(r.Id);
        }
    }

    /// <summary>Broken records of an instance: entity, key and fault.</summary>
    public IReadOnlyList<(string Entity, string Key, AcumaticaRecordFault Fault)> BrokenAcumaticaRecords(string instance)
    {
        var i = Acu(instance);
        lock (i.Gate)
        {
            return [
                .. i.RecordFaults.Select(
                    f => AcuEntityDef.All.Values.Select(d => i.Table(d).ById.GetValueOrDefault(f.Key))
                        .OfType<AcuRecord>()
                        .Select(r => (r.Def.Name, r.Key, f.Value))
                        .FirstOrDefault())
                .Where(x => x.Name is not null)];
        }
    }

    /// <summary>How many times the instance's entity API answered a broken record (the sandbox's count of that fault).</summary>
    public int BrokenRecordsAnswered(string instance)
    {
        var i = Acu(instance);
        lock (i.Gate)
        {
            return i.BrokenRecordsAnswered;
        }
    }

    /// <summary>Renames a customer/vendor (both records of a customer-vendor account). Returns the new LastModifiedDateTime.</summary>
    public DateTimeOffset RenameAccount(string instance, string accountId, string newName)
    {
        var i = Acu(instance);
        lock (i.Gate)
        {
            var at = i.Now();
            var found = false;
            if (i.Find(AcuEntityDef.Customer, accountId) is { } c)
            {
                i.Modify(c, new JsonObject { ["CustomerName"] = newName }, at);
                found = true;
            }

            if (i.Find(AcuEntityDef.Vendor, accountId) is { } v)
            {
                i.Modify(v, new JsonObject { ["VendorName"] = newName, ["LegalName"] = newName }, at);
                found = true;
            }

            return found ? at : throw new KeyNotFoundException($"No customer or vendor '{accountId}' in instance '{instance}'.");
        }
    }

    /// <summary>Changes the e-mail of a record (Customer: Email and MainContact/Email; Contact: Email; Employee: ContactInfo/Email).</summary>
    public DateTimeOffset ChangeEmail(string instance, string entity, string keyOrId, string email)
    {
        var (i, def) = (Acu(instance), Def(entity));
        lock (i.Gate)
        {
            var r = i.Find(def, keyOrId) ?? throw new KeyNotFoundException($"No {def.Name} '{keyOrId}' in instance '{instance}'.");
            var changes = def.Name switch
            {
                "Customer" => new JsonObject { ["Email"] = email },
                "Vendor" => new JsonObject { ["MainContact"] = new JsonObject { ["Email"] = email } },
                "Employee" => new JsonObject { ["ContactInfo"] = new JsonObject { ["Email"] = email } },
                _ => new JsonObject { ["Email"] = email },
            };
            var at = i.Now();
            i.Modify(r, changes, at);
            return at;
        }
    }

    /// <summary>Applies raw (unwrapped) field changes to a record; LastModifiedDateTime moves when anything changed.</summary>
    public bool ModifyRecord(string instance, string entity, string keyOrId, JsonObject changes)
    {
        var (i, def) = (Acu(instance), Def(entity));
        lock (i.Gate)
        {
            var r = i.Find(def, keyOrId) ?? throw new KeyNotFoundException($"No {def.Name} '{keyOrId}' in instance '{instance}'.");
            return i.Modify(r, changes, i.Now());
        }
    }

    /// <summary>Touches several records in one go: they all get the same LastModifiedDateTime (a tie), as after a mass update.</summary>
    public DateTimeOffset TouchRecords(string instance, string entity, IEnumerable<string> keys, string field, string value)
    {
        var (i, def) = (Acu(instance), Def(entity));
        lock (i.Gate)
        {
            var at = i.Now();
            foreach (var key in keys)
            {
                if (i.Find(def, key) is { } r)
                {
                    i.Modify(r, new JsonObject { [field] = value }, at);
                }
            }

            return at;
        }
    }

    /// <summary>Adds a contact to a business account; returns its ContactID.</summary>
    public long AddContact(string instance, string accountId, string firstName, string lastName, string email)
    {
        var i = Acu(instance);
        lock (i.Gate)
        {
            var r = i.Insert(
                AcuEntityDef.Contact,
                new JsonObject { ["FirstName"] = firstName, ["LastName"] = lastName, ["Email"] = email, ["BusinessAccount"] = accountId },
                i.Now());
            return r.Data.Long("ContactID")!.Value;
        }
    }

    /// <summary>Adds a customer directly (no API call); returns its id GUID.</summary>
    public Guid AddCustomer(string instance, string customerId, string name, string? email = null)
    {
        var i = Acu(instance);
        lock (i.Gate)
        {
            return i.Insert(AcuEntityDef.Customer, new JsonObject { ["CustomerID"] = customerId, ["CustomerName"] = name, ["Email"] = email }, i.Now()).Id;
        }
    }

    /// <summary>Adds an activity directly (no API call), e.g. <c>Summary</c>, <c>Body</c>, <c>RelatedEntityNoteID</c>; returns its id GUID.</summary>
    public Guid AddActivity(string instance, JsonObject activity)
    {
        var i = Acu(instance);
        lock (i.Gate)
        {
            return i.Insert(AcuEntityDef.Activity, activity, i.Now()).Id;
        }
    }

    public int OpenSessions(string instance) => Acu(instance).OpenSessions();

    public void ClearSessions(string instance) => Acu(instance).ClearSessions();

    /// <summary>Invalidates refresh tokens (and access tokens when asked) of an instance.</summary>
    public int RevokeAcumaticaTokens(string instance, bool accessTokensToo = false) => Acu(instance).OAuth.RevokeAll(accessTokensToo);

    /// <summary>Every issued access token stops working (as if its lifetime passed).</summary>
    public void ExpireAcumaticaAccessTokens(string instance) => Acu(instance).OAuth.ExpireAccessTokens();

    // ------------------------------------------------------------------ Zendesk

    public ZendeskSettings GetZendeskSettings(string subdomain) => Zd(subdomain).Settings;

    public void SetZendeskSettings(string subdomain, ZendeskSettings settings) => Zd(subdomain).Settings = settings;

    /// <summary>The account's rate limiter as it counted: most requests served in one window, and requests it refused for the limit.</summary>
    public (int PeakServed, int RefusedForLimit) ZendeskRateUsage(string subdomain) =>
        (Zd(subdomain).Requests.PeakServed, Zd(subdomain).Requests.RefusedForLimit);

    public void AddZendeskClient(string subdomain, OAuthClient client) => Zd(subdomain).OAuth.AddClient(client);

    public void AddZendeskApiToken(string subdomain, string email, string token) => Zd(subdomain).ApiTokens[email] = token;

    /// <summary>Zendesk tokens issued per grant type for an account (the sandbox's own count of how the connector got in).</summary>
    public IReadOnlyDictionary<string, int> ZendeskGrantsIssued(string subdomain) => Zd(subdomain).OAuth.GrantsIssued;

    public int RevokeZendeskTokens(string subdomain, bool accessTokensToo = false) => Zd(subdomain).OAuth.RevokeAll(accessTokensToo);

    public void ExpireZendeskAccessTokens(string subdomain) => Zd(subdomain).OAuth.ExpireAccessTokens();

    /// <summary>Sends this account's events to <paramref name="url"/>, signed with <paramref name="secret"/>; null url stops them.</summary>
    public void ConfigureWebhook(string subdomain, string? url, string secret, string webhookId = "01GK8E6BKWMJZD2T8Y5AXJQMG5") =>
        Zd(subdomain).Webhook = url is null ? null : new WebhookTarget(url, secret, webhookId);

    /// <summary>Creates an organization directly (a "hand-made" one, for onboarding scenarios).</summary>
    public JsonObject CreateOrganization(string subdomain, JsonObject organization) =>
        ZdWrite(subdomain, a => a.CreateOrg(organization), (a, o) => a.Render(o, Base(a)));

    public JsonObject CreateUser(string subdomain, JsonObject user) => ZdWrite(subdomain, a => a.CreateUser(user), (a, u) => a.Render(u, Base(a)));

    public JsonObject CreateTicket(string subdomain, JsonObject ticket) => ZdWrite(subdomain, a => a.CreateTicket(ticket), (a, t) => a.Render(t, Base(a)));

    /// <summary>
    /// A new end user of <paramref name="organizationId"/> opens a ticket with one public comment ("{subject}: please
    /// help."), as a customer writing in does; returns the ticket's id.
    /// </summary>
    public long OpenTicket(string subdomain, long organizationId, string subject)
    {
        var requester = (long)CreateUser(subdomain, new JsonObject
        {
            ["name"] = "Rita Requester",
            ["email"] = $"rita.{Guid.NewGuid():N}@customer.example",
            ["organization_id"] = organizationId,
        })["id"]!;
        return (long)CreateTicket(subdomain, new JsonObject
        {
            ["subject"] = subject,
            ["comment"] = new JsonObject { ["body"] = $"{subject}: please help.", ["public"] = true },
            ["requester_id"] = requester,
            ["organization_id"] = organizationId,
        })["id"]!;
    }

    public JsonObject UpdateTicket(string subdomain, long id, JsonObject changes) =>
        ZdWrite(subdomain, a => a.Ticket(id) is { } t ? a.UpdateTicket(t, changes) : ZdErrors.NotFound(), (a, t) => a.Render(t, Base(a)));

    public JsonObject SolveTicket(string subdomain, long id, string? comment = null)
    {
        var changes = new JsonObject { ["status"] = "solved" };
        if (comment is not null)
        {
            changes["comment"] = new JsonObject { ["body"] = comment, ["public"] = true };
        }

        return UpdateTicket(subdomain, id, changes);
    }

    public JsonArray Organizations(string subdomain) => ZdList(subdomain, a => a.AllOrgs.Select(o => a.Render(o, Base(a))));

    public JsonArray Users(string subdomain) => ZdList(subdomain, a => a.AllUsers.Select(u => a.Render(u, Base(a))));

    public JsonArray Tickets(string subdomain) => ZdList(subdomain, a => a.AllTickets.Select(t => a.Render(t, Base(a))));

    /// <summary>A ticket's comments, oldest first (empty when the ticket does not exist).</summary>
    public JsonArray TicketComments(string subdomain, long ticketId) =>
        ZdList(subdomain, a => a.Ticket(ticketId)?.Comments.Select(ZdAccount.Render) ?? []);

    public JsonArray Identities(string subdomain, long userId) =>
        ZdList(subdomain, a => a.User(userId)?.Identities.Select(i => a.Render(i, Base(a))) ?? []);

    // ------------------------------------------------------------------ faults

    /// <summary>"acumatica" or "zendesk".</summary>
    /// <summary>Answers faulted on purpose so far, by kind: <c>zendesk slow POST</c>, <c>zendesk malformed GET</c>, <c>acumatica injected 503</c>, <c>zendesk
    /// dropped</c>.</summary>
    public IReadOnlyDictionary<string, int> TamperedAnswers => new SortedDictionary<string, int>(state.TamperedAnswers, StringComparer.Ordinal);

    public FaultSettings GetFaults(string system) => system.ToLowerInvariant() switch
    {
        "acumatica" => state.AcumaticaFaults,
        "zendesk" => state.ZendeskFaults,
        _ => throw new ArgumentException($"Unknown system '{system}': use 'acumatica' or 'zendesk'.", nameof(system)),
    };

    public void SetFaults(string system, FaultSettings faults)
    {
        switch (system.ToLowerInvariant())
        {
            case "acumatica": state.AcumaticaFaults = faults; break;
            case "zendesk": state.ZendeskFaults = faults; break;
            default: throw new ArgumentException($"Unknown system '{system}': use 'acumatica' or 'zendesk'.", nameof(system));
        }
    }

    /// <summary>Overlays the JSON properties given onto a settings object (camelCase names) and returns the result.</summary>
    internal static T Overlay<T>(T current, JsonObject changes)
        where T : class
    {
        var merged = JsonSerializer.SerializeToNode(current, SettingsJson)!.AsObject();
        foreach (var (k, v) in changes)
        {
            var name = merged.Select(p => p.Key).FirstOrDefault(p => string.Equals(p, k, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown setting '{k}'. Known: {string.Join(", ", merged.Select(p => p.Key))}.");
            merged[name] = v?.DeepClone();
        }

        return merged.Deserialize<T>(SettingsJson)!;
    }

    // ------------------------------------------------------------------ helpers

    internal AcuInstance Acu(string instance) => state.FindAcumatica(instance) ?? throw new KeyNotFoundException($"No Acumatica instance '{instance}'.");

    internal ZdAccount Zd(string subdomain) => state.FindZendesk(subdomain) ?? throw new KeyNotFoundException($"No Zendesk account '{subdomain}'.");

    private static AcuEntityDef Def(string entity) =>
        AcuEntityDef.All.TryGetValue(entity, out var def)
            ? def
            : throw new KeyNotFoundException($"Unknown entity '{entity}'. Known: {string.Join(", ", AcuEntityDef.All.Keys)}.");

    internal string? PublicBaseUrl { get; set; }

    private string Base(ZdAccount a) => $"{PublicBaseUrl ?? "http://localhost"}/zendesk/{a.Subdomain}";

    private JsonObject ZdWrite<T>(string subdomain, Func<ZdAccount, ZdResult<T>> write, Func<ZdAccount, T, JsonObject> render)
        where T : class
    {
        var a = Zd(subdomain);
        lock (a.Gate)
        {
            var r = write(a);
            if (r.Error is { } e)
            {
                throw new InvalidOperationException($"Zendesk refused the change ({e.Status}): {e.Body?.ToJsonString()}");
            }

            return render(a, r.Value!);
        }
    }

    private JsonArray ZdList(string subdomain, Func<ZdAccount, IEnumerable<JsonObject>> items)
    {
        var a = Zd(subdomain);
        lock (a.Gate)
        {
            a.PumpJobs();
            return new JsonArray([.. items(a)]);
        }
    }
}
