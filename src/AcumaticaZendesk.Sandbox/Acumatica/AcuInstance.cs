using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Sandbox.Acumatica;

internal enum PutCondition { None, InsertOnly, UpdateOnly }

internal sealed record PutOutcome(int Status, AcuRecord? Record, IReadOnlyDictionary<string, string> Errors, bool Inserted, string? Message = null);

internal sealed record AcuSession(string Id, string User)
{
    public DateTimeOffset LastUsed { get; set; }
}

/// <summary>One simulated Acumatica instance (site) with a single tenant. All state is guarded by <see cref="Gate"/>.</summary>
internal sealed class AcuInstance
{
    private static readonly HashSet<string> SystemFields = new(StringComparer.Ordinal)
    {
        "id",
        "rowNumber",
        "note",
        "custom",
        "_links",
        "files",
        "error",
        "delete"
    };
    private readonly Dictionary<string, AcuTable> tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<Guid, AcuRecord> byNoteId = [];
    private readonly Dictionary<string, List<AcuRecord>> contactsByAccount = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, AcuSession> sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private long orderSeq;
    private int contactSeq = 100_000;
    private int baccountSeq = 7_000;

    public AcuInstance(string name, string tenant, IEnumerable<string> versions, TimeProvider time)
    {
        Name = name;
        Tenant = tenant;
        this.time = time;
        Versions = new SortedSet<string>(versions, StringComparer.Ordinal);
        OAuth = new OAuthStore(time);
        Throttle = new AcuThrottle(this, time);
        foreach (var def in AcuEntityDef.All.Values)
        {
            tables[def.Name] = new AcuTable();
        }
    }

    public Lock Gate { get; } = new();

    public string Name { get; }

    public string Tenant { get; }

    public SortedSet<string> Versions { get; }

    public AcumaticaSettings Settings { get; set; } = new();

    public System.Collections.Concurrent.ConcurrentDictionary<string, string> Users { get; } = new(StringComparer.OrdinalIgnoreCase);

    public OAuthStore OAuth { get; }

    public AcuThrottle Throttle { get; }

    /// <summary>Records the entity API renders broken (by record id); see <see cref="AcuRecordTamper"/>.</summary>
    public Dictionary<Guid, Control.AcumaticaRecordFault> RecordFaults { get; } = [];

    /// <summary>How many times the entity API answered a record broken (the sandbox's own count of that fault).</summary>
    public int BrokenRecordsAnswered { get; private set; }

    /// <summary>The record as the entity API answers it: rendered, then broken when a fault is set for it (callers hold Gate).</summary>
    public JsonObject RenderForApi(string version, AcuRecord record, Projection projection, int rowNumber)
    {
        var rendered = AcuRenderer.Render(this, version, record, projection, rowNumber);
        if (!RecordFaults.TryGetValue(record.Id, out var fault))
        {
            return rendered;
        }

        BrokenRecordsAnswered++;
        return AcuRecordTamper.Apply(rendered, record.Def, fault);
    }

    public AcuTable Table(AcuEntityDef def) => tables[def.Name];

    public DateTimeOffset Now() => TruncateMs(time.GetUtcNow());

    private static DateTimeOffset TruncateMs(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    // ---------------------------------------------------------------- sessions

    /// <summary>Cookie sign-in; null message = success.</summary>
    public (AcuSession? Session, int Status, string? Message) Login(string? user, string? password, string? tenant)
    {
        if (string.IsNullOrEmpty(user) || !Users.TryGetValue(user, out var expected) || !string.Equals(expected, password, StringComparison.Ordinal))
        {
            return (null, 400, "Invalid credentials. Please try again.");
        }

        if (!string.IsNullOrEmpty(tenant) && !string.Equals(tenant, Tenant, StringComparison.OrdinalIgnoreCase))
        {
            return (null, 400, $"Invalid credentials. Tenant '{tenant}' is not available on this site.");
        }

        lock (Gate)
        {
            PurgeSessions();
            if (sessions.Count >= Settings.MaxApiSessions)
            {
                return (null, 429, "API Login Limit");
            }

            var session = new AcuSession(Tokens.New(24), user) { LastUsed = time.GetUtcNow() };
            sessions[session.Id] = session;
            return (session, 204, null);
        }
    }

    public bool Logout(string? sessionId)
    {
        lock (Gate)
        {
            return sessionId is not null && sessions.Remove(sessionId);
        }
    }

    public bool TouchSession(string sessionId)
    {
        lock (Gate)
        {
            if (!sessions.TryGetValue(sessionId, out var s))
            {
                return false;
            }

            var now = time.GetUtcNow();
            if (now - s.LastUsed > Settings.SessionIdleTimeout)
            {
                sessions.Remove(sessionId);
                return false;
            }

            s.LastUsed = now;
            return true;
        }
    }

    public int OpenSessions()
    {
        lock (Gate)
        {
            PurgeSessions();
            return sessions.Count;
        }
    }

    public void ClearSessions()
    {
        lock (Gate)
        {
            sessions.Clear();
        }
    }

    private void PurgeSessions()
    {
        var now = time.GetUtcNow();
        foreach (var s in sessions.Values.Where(s => now - s.LastUsed > Settings.SessionIdleTimeout).ToList())
        {
            sessions.Remove(s.Id);
        }
    }

    // ---------------------------------------------------------------- reads (callers hold Gate)

    public AcuRecord? Find(AcuEntityDef def, string keyOrId)
    {
        var table = Table(def);
        if (Guid.TryParse(keyOrId, out var g) && table.ById.TryGetValue(g, out var byId))
        {
            return byId;
        }

        return table.ByKey.GetValueOrDefault(keyOrId);
    }

    public AcuRecord? FindByNoteId(Guid id) => byNoteId.GetValueOrDefault(id);

    public IReadOnlyList<AcuRecord> ContactsOf(string accountId) =>
        contactsByAccount.TryGetValue(accountId, out var list) ? list : [];

    public IEnumerable<AcuRecord> Scan(AcuEntityDef def, Func<JsonObject, bool>? filter) =>
        filter is null ? Table(def).ByOrder.Values : Table(def).ByOrder.Values.Where(r => filter(r.Data));

    public int Count(AcuEntityDef def)
    {
        lock (Gate)
        {
            return Table(def).ById.Count;
        }
    }

    // ---------------------------------------------------------------- writes

    /// <summary>Unwraps a request body into plain values; linked entities stay nested. Throws FormatException on a bare (unwrapped) field.</summary>
    public static JsonObject Unwrap(JsonObject body, ISet<string> sent, string prefix = "")
    {
        var data = new JsonObject();
        foreach (var (name, node) in body)
        {
            if (SystemFields.Contains(name))
            {
                continue;
            }

            switch (node)
            {
                case JsonObject o when o.TryGetPropertyValue("value", out var v):
                    data[name] = v?.DeepClone();
                    sent.Add(prefix + name);
                    break;
                case JsonObject o when o.Count == 0 || o.All(p => p.Key is "error"):
                    break;
                case JsonObject o:
                    data[name] = Unwrap(o, sent, prefix + name + "/");
                    sent.Add(prefix + name);
                    break;
                case JsonArray:
                    sent.Add(prefix + name);
                    break;
                case null:
                    break;
                default:
                    throw new FormatException($"Field '{prefix}{name}' must be sent as a value wrapper like {{\"value\": ...}}.");
            }
        }

        return data;
    }

    /// <summary>PUT create-or-update; caller holds <see cref="Gate"/>.</summary>
    public PutOutcome Put(AcuEntityDef def, JsonObject incoming, Guid? bodyId, Func<JsonObject, bool>? filter, PutCondition condition, string? note)
    {
        var table = Table(def);
        AcuRecord? existing = null;
        var key = incoming[def.KeyField]?.ToString();
        if (bodyId is { } id)
        {
            table.ById.TryGetValue(id, out existing);
        }

        if (existing is null && !string.IsNullOrEmpty(key))
        {
            existing = def.KeyField == "NoteID" && Guid.TryParse(key, out var noteId)
                ? table.ById.GetValueOrDefault(noteId)
                : table.ByKey.GetValueOrDefault(key);
        }

        if (existing is null && filter is not null)
        {
            existing = table.ByOrder.Values.FirstOrDefault(r => filter(r.Data));
        }

        if (condition == PutCondition.InsertOnly && existing is not null)
        {
            return new PutOutcome(412, existing, new Dictionary<string, string>(), false, "A record with the same key already exists (If-None-Match: *).");
        }

        if (condition == PutCondition.UpdateOnly && existing is null)
        {
            return new PutOutcome(412, null, new Dictionary<string, string>(), false, "The record to update does not exist (If-Match: *).");
        }

        var insert = existing is null;
        if (insert && def.AutoKey)
        {
            incoming.Remove(def.KeyField);
        }

        var candidate = existing?.Data.DeepClone().AsObject() ?? [];
        var changed = Merge(candidate, incoming);
        if (note is not null && existing?.Note != note)
        {
            changed = true;
        }

        Derive(def, candidate, incoming, insert);
        var errors = Validate(def, candidate);
        if (errors.Count > 0)
        {
            return new PutOutcome(422, existing, errors, insert);
        }

        var now = Now();
        var record = existing ?? new AcuRecord(def, Guid.NewGuid());
        if (insert)
        {
            InitialiseNew(def, record, candidate, now);
            record.Data = candidate;
            record.Note = note ?? "";
            Add(record, now);
            return new PutOutcome(200, record, new Dictionary<string, string>(), true);
        }

        if (changed)
        {
            var oldAccount = def == AcuEntityDef.Contact ? record.Data.Str("BusinessAccount") : null;
            record.Data = candidate;
            if (note is not null)
            {
                record.Note = note;
            }

            Touch(record, now);
            if (def == AcuEntityDef.Contact)
            {
                Reindex(record, oldAccount);
            }
        }

        return new PutOutcome(200, record, new Dictionary<string, string>(), false);
    }

    /// <summary>Inserts a fully built record (seeding, control API); caller holds <see cref="Gate"/>.</summary>
    public AcuRecord Insert(AcuEntityDef def, JsonObject data, DateTimeOffset at, Guid? id = null)
    {
        var record = new AcuRecord(def, id ?? Guid.NewGuid());
        Derive(def, data, data, insert: true);
        InitialiseNew(def, record, data, at);
        record.Data = data;
        Add(record, at);
        return record;
    }

    /// <summary>Puts back a saved record as it was (no business logic); caller holds <see cref="Gate"/>.</summary>
    public void Restore(AcuEntityDef def, Guid id, JsonObject data, string note, DateTimeOffset lastModified)
    {
        var record = new AcuRecord(def, id) { Data = data, Note = note };
        if (def == AcuEntityDef.Contact && data.Long("ContactID") is { } cid && cid > contactSeq)
        {
            contactSeq = (int)cid;
        }

        if (def == AcuEntityDef.Customer && data.Long("BAccountID") is { } bid && bid > baccountSeq)
        {
            baccountSeq = (int)bid;
        }

        Add(record, lastModified);
    }

    public bool Delete(AcuEntityDef def, AcuRecord record)
    {
        var table = Table(def);
        if (!table.ById.ContainsKey(record.Id))
        {
            return false;
        }

        table.Remove(record);
        if (byNoteId.TryGetValue(record.Id, out var indexed) && indexed == record)
        {
            byNoteId.Remove(record.Id);
        }

        if (def == AcuEntityDef.Contact && record.Data.Str("BusinessAccount") is { } acct && contactsByAccount.TryGetValue(acct, out var list))
        {
            list.Remove(record);
        }

        return true;
    }

    /// <summary>Applies changed field values to an existing record and moves LastModifiedDateTime; caller holds <see cref="Gate"/>.</summary>
    public bool Modify(AcuRecord record, JsonObject changes, DateTimeOffset at)
    {
        var candidate = record.Data.DeepClone().AsObject();
        if (!Merge(candidate, changes))
        {
            return false;
        }

        var oldAccount = record.Def == AcuEntityDef.Contact ? record.Data.Str("BusinessAccount") : null;
        Derive(record.Def, candidate, changes, insert: false);
        record.Data = candidate;
        Touch(record, at);
        if (record.Def == AcuEntityDef.Contact)
        {
            Reindex(record, oldAccount);
        }

        return true;
    }

    public void Clear()
    {
        lock (Gate)
        {
            foreach (var t in tables.Values)
            {
                t.ById.Clear();
                t.ByKey.Clear();
                t.ByOrder.Clear();
            }

            byNoteId.Clear();
            contactsByAccount.Clear();
            sessions.Clear();
        }
    }

    private void InitialiseNew(AcuEntityDef def, AcuRecord record, JsonObject data, DateTimeOffset now)
    {
        if (def == AcuEntityDef.Contact && data["ContactID"] is null)
        {
            data["ContactID"] = ++contactSeq;
        }
        else if (def == AcuEntityDef.Contact && data.Long("ContactID") is { } given && given > contactSeq)
        {
            contactSeq = (int)given;
        }

        if (def.HasNoteId)
        {
            data["NoteID"] = record.Id.ToString();
        }

        if (def == AcuEntityDef.Customer)
        {
            data["BAccountID"] ??= ++baccountSeq;
            data["CustomerClass"] ??= "DEFAULT";
            data["Status"] ??= "Active";
            data["CurrencyID"] ??= "USD";
            data["Terms"] ??= "30D";
        }
        else if (def == AcuEntityDef.Vendor)
        {
            data["VendorClass"] ??= "DEFAULT";
            data["Status"] ??= "Active";
            data["CurrencyID"] ??= "USD";
        }
        else if (def == AcuEntityDef.Employee)
        {
            data["Status"] ??= "Active";
        }
        else if (def == AcuEntityDef.Activity)
        {
            data["Type"] ??= "M";
            data["Status"] ??= "Completed";
            data["Date"] ??= Json.AcuIso(now);
            data["Internal"] ??= false;
            data["CreatedByID"] ??= "admin";
        }

        data["CreatedDateTime"] ??= Json.AcuIso(now);
    }

    private void Add(AcuRecord record, DateTimeOffset at)
    {
        var table = Table(record.Def);
        record.Order = ++orderSeq;
        record.LastModified = at;
        record.Data["LastModifiedDateTime"] = Json.AcuIso(at);
        table.ById[record.Id] = record;
        table.ByKey[record.Key] = record;
        table.ByOrder[record.Order] = record;
        byNoteId.TryAdd(record.Id, record);
        if (record.Def == AcuEntityDef.Contact)
        {
            Reindex(record, null);
        }
    }

    private void Touch(AcuRecord record, DateTimeOffset at)
    {
        var table = Table(record.Def);
        table.ByOrder.Remove(record.Order);
        record.Order = ++orderSeq;
        table.ByOrder[record.Order] = record;
        record.LastModified = at;
        record.Data["LastModifiedDateTime"] = Json.AcuIso(at);
    }

    private void Reindex(AcuRecord contact, string? oldAccount)
    {
        if (oldAccount is not null && contactsByAccount.TryGetValue(oldAccount, out var old))
        {
            old.Remove(contact);
        }

        if (contact.Data.Str("BusinessAccount") is { Length: > 0 } acct)
        {
            if (!contactsByAccount.TryGetValue(acct, out var list))
            {
                contactsByAccount[acct] = list = [];
            }

            if (!list.Contains(contact))
            {
                list.Add(contact);
            }
        }
    }

    private static bool Merge(JsonObject target, JsonObject incoming)
    {
        var changed = false;
        foreach (var (name, value) in incoming)
        {
            if (value is JsonObject nested)
            {
                if (target[name] is not JsonObject child)
                {
                    child = [];
                    target[name] = child;
                    changed = true;
                }

                changed |= Merge(child, nested);
                continue;
            }

            if (!target.TryGetPropertyValue(name, out var current) || !JsonNode.DeepEquals(current, value))
            {
                target[name] = value?.DeepClone();
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Business logic that fills fields from others, as the graphs do.</summary>
    private void Derive(AcuEntityDef def, JsonObject data, JsonObject incoming, bool insert)
    {
        if (def == AcuEntityDef.Customer || def == AcuEntityDef.Vendor)
        {
            var nameField = def == AcuEntityDef.Customer ? "CustomerName" : "VendorName";
            var main = data["MainContact"] as JsonObject;
            if (def == AcuEntityDef.Customer && incoming.ContainsKey("Email"))
            {
                main ??= EnsureObject(data, "MainContact");
                main["Email"] = data["Email"]?.DeepClone();
            }
            else if (def == AcuEntityDef.Customer && incoming["MainContact"] is JsonObject m && m.ContainsKey("Email"))
            {
                data["Email"] = m["Email"]?.DeepClone();
            }

            if (insert || incoming.ContainsKey(nameField))
            {
                main ??= EnsureObject(data, "MainContact");
                main["DisplayName"] = data[nameField]?.DeepClone();
                main["CompanyName"] = data[nameField]?.DeepClone();
            }
        }
        else if (def == AcuEntityDef.Contact)
        {
            var display = $"{data.Str("FirstName")} {data.Str("LastName")}".Trim();
            data["DisplayName"] = display;
            data["FullName"] = data.Str("BusinessAccount") is { } acct && FindAccountName(acct) is { } an ? an : null;
            if (insert)
            {
                data["Active"] ??= true;
                data["Type"] ??= "Contact";
                data["Status"] ??= "Active";
            }
        }
        else if (def == AcuEntityDef.Employee && data["ContactInfo"] is JsonObject info)
        {
            var display = info.Str("DisplayName") ?? $"{info.Str("FirstName")} {info.Str("LastName")}".Trim();
            info["DisplayName"] = display;
            data["EmployeeName"] = display;
        }
        else if (def == AcuEntityDef.Activity &&
                 data.Str("RelatedEntityNoteID") is { } rel && Guid.TryParse(rel, out var relId) && byNoteId.TryGetValue(relId, out var target))
        {
            data["RelatedEntityType"] ??= target.Def.GraphType;
            data["RelatedEntityDescription"] = DescriptionOf(target);
        }
    }

    private string? FindAccountName(string accountId) =>
        Table(AcuEntityDef.Customer).ByKey.TryGetValue(accountId, out var c) ? c.Data.Str("CustomerName")
        : Table(AcuEntityDef.Vendor).ByKey.TryGetValue(accountId, out var v) ? v.Data.Str("VendorName") : null;

    private static string? DescriptionOf(AcuRecord r) =>
        r.Def.Name switch
        {
            "Customer" => r.Data.Str("CustomerName"),
            "Vendor" => r.Data.Str("VendorName"),
            "Contact" => r.Data.Str("DisplayName"),
            "Employee" => r.Data.Str("EmployeeName"),
            _ => r.Data.Str("Summary"),
        };

    private static JsonObject EnsureObject(JsonObject data, string name)
    {
        if (data[name] is JsonObject o)
        {
            return o;
        }

        o = [];
        data[name] = o;
        return o;
    }

    private Dictionary<string, string> Validate(AcuEntityDef def, JsonObject data)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in def.Required)
        {
            if (def.AutoKey && field == def.KeyField)
            {
                continue;
            }

            if (data[field] is null || (data[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Trim().Length == 0))
            {
                errors[field] = $"'{AcuEntityDef.Label(field)}' cannot be empty.";
            }
        }

        foreach (var (field, allowed) in def.Allowed)
        {
            if (data.Str(field) is { Length: > 0 } value)
            {
                var canonical = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
                if (canonical is null)
                {
                    errors[field] = $"{AcuEntityDef.Label(field)}: '{value}' cannot be found in the system.";
                }
                else
                {
                    data[field] = canonical;
                }
            }
        }

        foreach (var path in (string[])["Email", "MainContact/Email", "ContactInfo/Email"])
        {
            if (ODataFilter.Resolve(data, path) is JsonValue ev && ev.GetValueKind() == JsonValueKind.String &&
                ev.GetValue<string>() is { Length: > 0 } email && !LooksLikeEmail(email))
            {
                errors[path] = $"The email address '{email}' is not valid.";
            }
        }

        if (def == AcuEntityDef.Contact && data.Str("BusinessAccount") is { Length: > 0 } acct && FindAccountName(acct) is null &&
            !Table(AcuEntityDef.Customer).ByKey.ContainsKey(acct) && !Table(AcuEntityDef.Vendor).ByKey.ContainsKey(acct))
        {
            errors["BusinessAccount"] = $"Business Account '{acct}' cannot be found in the system.";
        }

        if (def == AcuEntityDef.Customer && data.Str("ParentRecord") is { Length: > 0 } parent && !Table(AcuEntityDef.Customer).ByKey.ContainsKey(parent))
        {
            errors["ParentRecord"] = $"'Parent Account' cannot be found in the system.";
        }

        if (def == AcuEntityDef.Activity && data.Str("RelatedEntityNoteID") is { Length: > 0 } rel &&
            (!Guid.TryParse(rel, out var relId) || !byNoteId.ContainsKey(relId)))
        {
            errors["RelatedEntityNoteID"] = "'Related Entity' cannot be found in the system.";
        }

        return errors;
    }

    private static bool LooksLikeEmail(string s)
    {
        var at = s.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == s.LastIndexOf('@') && s.IndexOf('.', at) > at + 1 && !s.EndsWith('.') && !s.Contains(' ', StringComparison.Ordinal);
    }
}
