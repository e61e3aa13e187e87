using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Chaos.IntegrationTests;

/// <summary>
/// Writes into a sandbox Zendesk account what the documented mapping says the connector must write for the sandbox
/// instance of the same name (docs/sync-model.md): one organization per business account, one user per contact and
/// employee. <c>spoil</c> may change a payload before it is written (or return null to leave the record out), so a
/// test seeds exactly one discrepancy.
/// </summary>
internal static class ZendeskMirror
{
    public const string Company = "acu-company:Company";

    public static void Write(SandboxControl control, string name, Func<string, JsonObject, JsonObject?>? spoil = null)
    {
        spoil ??= (_, payload) => payload;
        var organizations = new Dictionary<string, JsonObject>(StringComparer.OrdinalIgnoreCase);
        foreach (var (entity, role, key, nameField, classField) in new[]
        {
            ("Vendor", "vendor", "VendorID", "VendorName", "VendorClass"),
            ("Customer", "customer", "CustomerID", "CustomerName", "CustomerClass")
        })
        {
            foreach (var record in control.AcumaticaRecords(name, entity).OfType<JsonObject>())
            {
                var code = Value(record, key)!.Trim();
                var organization = organizations.GetValueOrDefault(code) ?? new JsonObject { ["external_id"] = code, ["tags"] = new JsonArray("acumatica") };
                organization["name"] = Value(record, nameField);
                var tags = organization["tags"]!.AsArray();
                tags.Add($"acu_{role}");
                AddTag(tags, $"acu_{role}_status", Value(record, "Status"));
                AddTag(tags, "acu_class", Value(record, classField));
                organizations[code] = organization;
            }
        }

        var ids = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var (code, organization) in organizations)
        {
            if (spoil(code, organization) is { } payload)
            {
                ids[code] = (long)control.CreateOrganization(name, payload)["id"]!;
            }
        }

        ids[Company] = (long)control.CreateOrganization(
            name,
            new JsonObject { ["name"] = "Tenant", ["external_id"] = Company, ["tags"] = new JsonArray("acumatica", "acu_company") })["id"]!;
        foreach (var contact in control.AcumaticaRecords(name, "Contact").OfType<JsonObject>())
        {
            var externalId = $"acu-contact:{Value(contact, "ContactID")}";
            var user = User(
                externalId,
                Value(contact, "DisplayName")!,
                Value(contact, "Email"),
                ids.GetValueOrDefault(Value(contact, "BusinessAccount")!.Trim()),
                "acu_contact");
            if (spoil(externalId, user) is { } payload)
            {
                control.CreateUser(name, payload);
            }
        }

        foreach (var employee in control.AcumaticaRecords(name, "Employee").OfType<JsonObject>())
        {
            var externalId = $"acu-employee:{Value(employee, "EmployeeID")!.Trim()}";
            var user = User(
                externalId,
                Value(employee, "EmployeeName")!,
                employee["ContactInfo"]?["Email"]?["value"]?.ToString(),
                ids[Company],
                "acu_employee");
            if (spoil(externalId, user) is { } payload)
            {
                control.CreateUser(name, payload);
            }
        }
    }

    public static string? Value(JsonObject record, string field) => record[field] is JsonObject o ? o["value"]?.ToString() : null;

    private static JsonObject User(string externalId, string name, string? email, long organizationId, string tag) => new()
    {
        ["external_id"] = externalId,
        ["name"] = name,
        ["email"] = email?.ToLowerInvariant(),
        ["organization_id"] = organizationId == 0 ? null : organizationId,
        ["tags"] = new JsonArray("acumatica", tag),
    };

    private static void AddTag(JsonArray tags, string prefix, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            tags.Add(prefix + "_" + new string([.. value.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]));
        }
    }
}
