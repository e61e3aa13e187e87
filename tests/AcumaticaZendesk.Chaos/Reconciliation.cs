using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// Acumatica (the sandbox instance's records) against Zendesk (the sandbox account): every business account is one
/// organization keyed by its code, every contact and employee one user keyed by <c>acu-contact:{id}</c> /
/// <c>acu-employee:{id}</c>.
/// </summary>
/// <param name="Expected">Records Acumatica holds that must be in Zendesk (accounts + contacts + employees).</param>
/// <param name="InZendesk">Expected records found in Zendesk (by external id).</param>
/// <param name="Duplicates">Extra Zendesk records for one Acumatica record: a second record with the same external id, or an unlinked twin (same name / e-mail).</param>
/// <param name="Lost">Expected records missing from Zendesk.</param>
/// <param name="Stale">Organizations whose name is not the account's current name (a change that did not land).</param>
public sealed record Reconciliation(int Expected, int InZendesk, int Duplicates, int Lost, int Stale)
{
    public bool Converged => Lost == 0 && Stale == 0;

    public static Reconciliation Of(SandboxControl control, string instance, string subdomain)
    {
        ArgumentNullException.ThrowIfNull(control);
        var accounts = ExpectedAccounts(control, instance);
        var users = ExpectedUsers(control, instance);

        var organizations = control.Organizations(subdomain).OfType<JsonObject>().ToList();
        var orgsByExternalId = organizations.Where(o => Text(o["external_id"]) is not null)
            .GroupBy(o => Text(o["external_id"])!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var unlinkedOrgNames = organizations.Where(o => Text(o["external_id"]) is null)
            .Select(o => Text(o["name"])!).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var zendeskUsers = control.Users(subdomain).OfType<JsonObject>().ToList();
        var usersByExternalId = zendeskUsers.Where(u => Text(u["external_id"]) is not null)
            .GroupBy(u => Text(u["external_id"])!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var unlinkedEmails = zendeskUsers.Where(u => Text(u["external_id"]) is null)
            .Select(u => Text(u["email"])).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);

        int found = 0, duplicates = 0, stale = 0;
        foreach (var (code, name) in accounts)
        {
            if (orgsByExternalId.TryGetValue(code, out var matches))
            {
                found++;
                duplicates += matches.Count - 1;
                stale += matches.Any(o => string.Equals(Text(o["name"]), name, StringComparison.Ordinal)) ? 0 : 1;
            }

            duplicates += unlinkedOrgNames.Contains(name) ? 1 : 0;
        }

        foreach (var (externalId, email) in users)
        {
            if (usersByExternalId.TryGetValue(externalId, out var count))
            {
                found++;
                duplicates += count - 1;
            }

            duplicates += email is not null && unlinkedEmails.Contains(email) ? 1 : 0;
        }

        var expected = accounts.Count + users.Count;
        return new Reconciliation(expected, found, duplicates, expected - found, stale);
    }

    /// <summary>Account code → the name Zendesk must show (the customer role wins for an account that is both).</summary>
    private static Dictionary<string, string> ExpectedAccounts(SandboxControl control, string instance)
    {
        var accounts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var vendor in control.AcumaticaRecords(instance, "Vendor").OfType<JsonObject>())
        {
            accounts[Value(vendor, "VendorID")!.Trim()] = Value(vendor, "VendorName")!;
        }

        foreach (var customer in control.AcumaticaRecords(instance, "Customer").OfType<JsonObject>())
        {
            accounts[Value(customer, "CustomerID")!.Trim()] = Value(customer, "CustomerName")!;
        }

        return accounts;
    }

    /// <summary>User external id → its e-mail (for twin detection).</summary>
    private static List<(string ExternalId, string? Email)> ExpectedUsers(SandboxControl control, string instance) =>
    [
        .. control.AcumaticaRecords(instance, "Contact").OfType<JsonObject>()
            .Select(c => ($"acu-contact:{Value(c, "ContactID")}", Value(c, "Email"))),
        .. control.AcumaticaRecords(instance, "Employee").OfType<JsonObject>()
            .Select(e => ($"acu-employee:{Value(e, "EmployeeID")!.Trim()}", e["ContactInfo"]?["Email"]?["value"]?.ToString())),
    ];

    private static string? Value(JsonObject record, string field) => record[field]?["value"]?.ToString();

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToString();
}
