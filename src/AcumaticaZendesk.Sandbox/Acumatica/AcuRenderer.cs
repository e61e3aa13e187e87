using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Sandbox.Acumatica;

/// <summary>Which fields a response carries: <c>$select</c> (null = all top-level fields) and <c>$expand</c>.</summary>
internal sealed record Projection(IReadOnlySet<string>? Select, IReadOnlySet<string> Expand)
{
    public static Projection Parse(string? select, string? expand) =>
        new(string.IsNullOrWhiteSpace(select) ? null : Split(select), string.IsNullOrWhiteSpace(expand) ? new HashSet<string>() : Split(expand));

    private static HashSet<string> Split(string s) =>
        new(s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
}

/// <summary>Renders stored records in the contract-based JSON form: value-wrapped fields, <c>{}</c> for empty ones, system fields.</summary>
internal static class AcuRenderer
{
    public static JsonObject Render(
        AcuInstance instance,
        string version,
        AcuRecord record,
        Projection projection,
        int rowNumber,
        string? error = null,
        IReadOnlyDictionary<string, string>? fieldErrors = null)
    {
        var baseUrl = $"/acumatica/{instance.Name}/entity/Default/{version}";
        var obj = new JsonObject
        {
            ["id"] = record.Id.ToString(),
            ["rowNumber"] = rowNumber,
            ["note"] = new JsonObject { ["value"] = record.Note },
        };
        if (error is not null)
        {
            obj["error"] = error;
        }

        WriteFields(obj, record.Data, projection, "", record.Id, fieldErrors);
        if (projection.Expand.Contains("Contacts") && record.Def.Details.Contains("Contacts"))
        {
            var contacts = new JsonArray();
            var n = 0;
            foreach (var c in instance.ContactsOf(record.Key))
            {
                contacts.Add(new JsonObject
                {
                    ["id"] = c.Id.ToString(),
                    ["rowNumber"] = ++n,
                    ["note"] = null,
                    ["ContactID"] = Wrap(c.Data["ContactID"]),
                    ["LastModifiedDateTime"] = Wrap(c.Data["LastModifiedDateTime"]),
                    ["custom"] = new JsonObject(),
                });
            }

            obj["Contacts"] = contacts;
        }

        obj["custom"] = new JsonObject();
        obj["_links"] = new JsonObject
        {
            ["self"] = $"{baseUrl}/{record.Def.Name}/{record.Id}",
            ["files:put"] = $"{baseUrl}/files/{record.Def.FilesPath}/{record.Id}/{{filename}}",
        };
        return obj;
    }

    /// <summary>The 422 body: what was sent, wrapped, with per-field <c>error</c> and a top-level message.</summary>
    public static JsonObject RenderInvalid(AcuEntityDef def, Guid id, JsonObject sent, IReadOnlyDictionary<string, string> errors, bool insert)
    {
        var obj = new JsonObject
        {
            ["id"] = id.ToString(),
            ["rowNumber"] = 1,
            ["error"] = $"{(insert ? "Inserting" : "Updating")} '{def.Name}' record raised at least one error. Please review the errors.",
        };
        var projection = new Projection(null, new HashSet<string>(def.Linked, StringComparer.OrdinalIgnoreCase));
        WriteFields(obj, sent, projection, "", id, errors);
        foreach (var (path, message) in errors.Where(e => !e.Key.Contains('/', StringComparison.Ordinal) && !sent.ContainsKey(e.Key)))
        {
            obj[path] = new JsonObject { ["error"] = message };
        }

        obj["custom"] = new JsonObject();
        return obj;
    }

    public static JsonObject Wrap(JsonNode? value) =>
        value is null || (value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Null)
            ? []
            : new JsonObject { ["value"] = value.DeepClone() };

    private static void WriteFields(
        JsonObject target,
        JsonObject data,
        Projection projection,
        string prefix,
        Guid ownerId,
        IReadOnlyDictionary<string, string>? errors)
    {
        var nestedSelect = projection.Select?.Any(s => s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && s.Length > prefix.Length) == true;
        foreach (var (name, value) in data)
        {
            var path = prefix + name;
            if (value is JsonObject linked)
            {
                if (!projection.Expand.Contains(path))
                {
                    continue;
                }

                var child = new JsonObject
                {
                    ["id"] = DerivedId(ownerId, path).ToString(),
                    ["rowNumber"] = 1,
                    ["note"] = null,
                };
                WriteFields(child, linked, projection, path + "/", ownerId, errors);
                child["custom"] = new JsonObject();
                target[name] = child;
                continue;
            }

            if (prefix.Length == 0 ? projection.Select is not null && !projection.Select.Contains(path)
                                   : nestedSelect && !projection.Select!.Contains(path))
            {
                continue;
            }

            var wrapped = Wrap(value);
            if (errors is not null && errors.TryGetValue(path, out var message))
            {
                wrapped["error"] = message;
            }

            target[name] = wrapped;
        }
    }

    /// <summary>Stable GUID for a linked entity of a record (the real API returns the linked row's own id).</summary>
    private static Guid DerivedId(Guid owner, string path)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(owner.ToString() + "/" + path), hash);
        return new Guid(hash[..16]);
    }
}
