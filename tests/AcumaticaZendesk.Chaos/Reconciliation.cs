using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// Acumatica (the sandbox instance's records, as stored) against Zendesk (the sandbox account), from the documented
/// mapping (docs/sync-model.md, docs/connectors.md) and not from the connector's code:
/// <list type="bullet">
/// <item>every business account (customers ∪ vendors) is one organization with <c>external_id</c> = its code, named
/// as the account (the customer's name when the code is both), tagged <c>acumatica</c>, <c>acu_customer</c> /
/// <c>acu_vendor</c> per role, <c>acu_{role}_status_{status}</c>, <c>acu_class_{class}</c>, <c>acu_inactive</c> only
/// when every role is inactive, with the account's note;</item>
/// <item>every contact / employee is one user with <c>external_id</c> <c>acu-contact:{ContactID}</c> /
/// <c>acu-employee:{EmployeeID}</c>, named as the record (display name, else first + last name), whose e-mail
/// identities hold the record's current e-mail, linked to the organization of its business account (contacts) or to
/// the tenant's own <c>acu-company:…</c> organization (employees);</item>
/// <item>no stray: no organization or user carries an <c>external_id</c> of the connector's scheme that matches no
/// Acumatica record;</item>
/// <item>no twin: no second record with the same <c>external_id</c>, no unlinked organization with an account's name,
/// no unlinked user with a record's e-mail.</item>
/// </list>
/// </summary>
/// <param name="Expected">Records Acumatica holds that must be in Zendesk (accounts + contacts + employees).</param>
/// <param name="InZendesk">Expected records found in Zendesk (by external id).</param>
/// <param name="Duplicates">Extra Zendesk records for one Acumatica record (same external id, or an unlinked twin).</param>
/// <param name="Lost">Expected records missing from Zendesk.</param>
/// <param name="Stale">Records in Zendesk that do not show the Acumatica record as it is now (name, tags, note, e-mail, organization link).</param>
/// <param name="Strays">Zendesk records with an external id of the connector's scheme that match no Acumatica record.</param>
/// <param name="Problems">Each discrepancy in words, with its kind first (<c>lost</c>, <c>duplicate</c>, <c>stale</c>, <c>stray</c>).</param>
public sealed record Reconciliation(int Expected, int InZendesk, int Duplicates, int Lost, int Stale, int Strays, IReadOnlyList<string> Problems)
{
    private const string ContactPrefix = "acu-contact:";
    private const string EmployeePrefix = "acu-employee:";
    private const string CompanyPrefix = "acu-company:";

    /// <summary>Zendesk agrees with Acumatica (twins are counted apart: another run cannot remove them).</summary>
    public bool Converged => Lost == 0 && Stale == 0 && Strays == 0;

    public static Reconciliation Of(SandboxControl control, string instance, string subdomain)
    {
        ArgumentNullException.ThrowIfNull(control);
        var accounts = ExpectedAccounts(control, instance);
        var people = ExpectedPeople(control, instance);
        var organizations = control.Organizations(subdomain).OfType<JsonObject>().ToList();
        var users = control.Users(subdomain).OfType<JsonObject>().ToList();
        var problems = new List<string>();
        int found = 0, duplicates = 0, stale = 0, strays = 0;

        var orgsByExternalId = ByExternalId(organizations);
        var orgExternalIds = organizations.ToDictionary(o => (long)o["id"]!, o => Text(o["external_id"]));
        var unlinkedOrgNames = organizations.Where(o => Text(o["external_id"]) is null)
            .Select(o => Text(o["name"]) ?? "")
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var account in accounts.Values)
        {
            duplicates += Twin(
                problems,
                unlinkedOrgNames.Contains(account.Name),
                $"duplicate: an unlinked organization is named '{account.Name}' like account {account.Code}");
            if (!orgsByExternalId.TryGetValue(account.Code, out var matches))
            {
                problems.Add($"lost: account {account.Code} has no organization");
                continue;
            }

            found++;
            duplicates += Twin(problems, matches.Count > 1, $"duplicate: {matches.Count} organizations with external_id {account.Code}", matches.Count - 1);
            var mismatch = matches.Select(o => OrganizationMismatch(account, o)).OrderBy(m => m is null ? 0 : 1).First();
            if (mismatch is not null)
            {
                stale++;
                problems.Add($"stale: organization {account.Code}: {mismatch}");
            }
        }

        var usersByExternalId = ByExternalId(users);
        var unlinkedEmails = users.Where(u => Text(u["external_id"]) is null)
            .SelectMany(u => Emails(control, subdomain, u))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var person in people.Values)
        {
            duplicates += Twin(
                problems,
                person.Email is not null && unlinkedEmails.Contains(person.Email),
                $"duplicate: an unlinked user has the e-mail {person.Email} of {person.ExternalId}");
            if (!usersByExternalId.TryGetValue(person.ExternalId, out var matches))
            {
                problems.Add($"lost: {person.ExternalId} has no user");
                continue;
            }

            found++;
            duplicates += Twin(problems, matches.Count > 1, $"duplicate: {matches.Count} users with external_id {person.ExternalId}", matches.Count - 1);
            var mismatch = matches.Select(u => UserMismatch(person, u, control, subdomain, orgExternalIds)).OrderBy(m => m is null ? 0 : 1).First();
            if (mismatch is not null)
            {
                stale++;
                problems.Add($"stale: user {person.ExternalId}: {mismatch}");
            }
        }

        foreach (var (externalId, _) in orgsByExternalId.Where(
            o => !accounts.ContainsKey(o.Key) && !o.Key.StartsWith(CompanyPrefix, StringComparison.OrdinalIgnoreCase)))
        {
            strays++;
            problems.Add($"stray: organization {externalId} matches no Acumatica account");
        }

        foreach (var (externalId, _) in usersByExternalId.Where(u => IsConnectorUserId(u.Key) && !people.ContainsKey(u.Key)))
        {
            strays++;
            problems.Add($"stray: user {externalId} matches no Acumatica contact or employee");
        }

        var expected = accounts.Count + people.Count;
        return new Reconciliation(expected, found, duplicates, expected - found, stale, strays, problems);
    }

    /// <summary>A business account as Zendesk must show it (customer role first).</summary>
    private sealed record ExpectedAccount(string Code, string Name, SortedSet<string> Tags, string? Note);

    /// <summary>A contact or employee as Zendesk must show it; <c>Organization</c> is the external id it is linked to (a prefix for the company's).</summary>
    private sealed record ExpectedPerson(string ExternalId, string Name, string? Email, string? Organization, bool Active);

    private static string? OrganizationMismatch(ExpectedAccount account, JsonObject organization)
    {
        if (!string.Equals(Text(organization["name"]), account.Name, StringComparison.Ordinal))
        {
            return $"named '{Text(organization["name"])}', the account is '{account.Name}'";
        }

        var tags = (organization["tags"] as JsonArray ?? []).Select(t => t?.ToString() ?? "").ToHashSet(StringComparer.Ordinal);
        var missing = account.Tags.Where(t => !tags.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            return $"lacks the tags {string.Join(", ", missing)}";
        }

        if (!account.Tags.Contains(InactiveTag) && tags.Contains(InactiveTag))
        {
            return $"tagged {InactiveTag}, the account is active";
        }

        return account.Note is { } note && !string.Equals(Text(organization["notes"])?.Trim(), note, StringComparison.Ordinal)
            ? $"notes are '{Text(organization["notes"])}', the account's note is '{note}'"
            : null;
    }

    private static string? UserMismatch(
        ExpectedPerson person,
        JsonObject user,
        SandboxControl control,
        string subdomain,
        Dictionary<long, string?> orgExternalIds)
    {
        if (!string.Equals(Text(user["name"]), person.Name, StringComparison.Ordinal))
        {
            return $"named '{Text(user["name"])}', the record is '{person.Name}'";
        }

        if (person.Email is { } email && !Emails(control, subdomain, user).Contains(email, StringComparer.OrdinalIgnoreCase))
        {
            return $"no e-mail identity {email} (has {string.Join(", ", Emails(control, subdomain, user))})";
        }

        var linked = user["organization_id"] is JsonValue org && org.TryGetValue<long>(out var id) ? orgExternalIds.GetValueOrDefault(id) : null;
        var linkOk = person.Organization switch
        {
            null => true,
            CompanyPrefix => linked?.StartsWith(CompanyPrefix, StringComparison.OrdinalIgnoreCase) == true,
            var code => string.Equals(linked, code, StringComparison.OrdinalIgnoreCase),
        };
        if (!linkOk)
        {
            return $"linked to organization {linked ?? "(none)"}, must be {person.Organization}";
        }

        var inactive = (user["tags"] as JsonArray ?? []).Any(t => t?.ToString() == InactiveTag);
        return inactive == person.Active ? $"tagged {(inactive ? "inactive" : "active")}, the record is {(person.Active ? "active" : "inactive")}" : null;
    }

    private const string InactiveTag = "acu_inactive";

    /// <summary>Account code → what its organization must show (the customer's name wins for an account that is both).</summary>
    private static Dictionary<string, ExpectedAccount> ExpectedAccounts(SandboxControl control, string instance)
    {
        var accounts = new Dictionary<string, ExpectedAccount>(StringComparer.OrdinalIgnoreCase);
        var inactiveRoles = new Dictionary<string, (int Roles, int Inactive)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (entity, role, keyField, nameField, classField) in new[]
        {
            ("Vendor", "vendor", "VendorID", "VendorName", "VendorClass"),
            ("Customer", "customer", "CustomerID", "CustomerName", "CustomerClass"),
        })
        {
            foreach (var record in control.AcumaticaRecords(instance, entity).OfType<JsonObject>())
            {
                var code = Value(record, keyField)?.Trim();
                if (string.IsNullOrEmpty(code))
                {
                    continue;
                }

                var name = (Value(record, nameField) ?? Value(record, "LegalName") ?? code).Trim();
                var status = Value(record, "Status");
                var tags = accounts.TryGetValue(code, out var other) ? other.Tags : new SortedSet<string>(StringComparer.Ordinal) { "acumatica" };
                tags.Add($"acu_{role}");
                AddTag(tags, $"acu_{role}_status", status);
                AddTag(tags, "acu_class", Value(record, classField));
                var note = Value(record, "note") is { Length: > 0 } n ? n.Trim() : null;
                accounts[code] = new ExpectedAccount(code, name, tags, note ?? other?.Note);
                var (roles, inactive) = inactiveRoles.GetValueOrDefault(code);
                inactiveRoles[code] = (roles + 1, inactive + (string.Equals(status?.Trim(), "Inactive", StringComparison.OrdinalIgnoreCase) ? 1 : 0));
            }
        }

        foreach (var (code, (roles, inactive)) in inactiveRoles.Where(r => r.Value.Roles == r.Value.Inactive))
        {
            accounts[code].Tags.Add(InactiveTag);
        }

        return accounts;
    }

    private static Dictionary<string, ExpectedPerson> ExpectedPeople(SandboxControl control, string instance)
    {
        var people = new Dictionary<string, ExpectedPerson>(StringComparer.OrdinalIgnoreCase);
        foreach (var contact in control.AcumaticaRecords(instance, "Contact").OfType<JsonObject>())
        {
            var id = Value(contact, "ContactID")?.Trim();
            var email = Email(Value(contact, "Email"));
            var active = contact["Active"]?["value"] is JsonValue a && a.TryGetValue<bool>(out var on) ? on : !IsInactive(Value(contact, "Status"));
            if (id is not null && NameOf(Value(contact, "DisplayName"), Value(contact, "FirstName"), Value(contact, "LastName"), email) is { } name)
            {
                var account = Value(contact, "BusinessAccount")?.Trim();
                people[ContactPrefix + id] = new ExpectedPerson(ContactPrefix + id, name, email, string.IsNullOrEmpty(account) ? null : account, active);
            }
        }

        foreach (var employee in control.AcumaticaRecords(instance, "Employee").OfType<JsonObject>())
        {
            var id = Value(employee, "EmployeeID")?.Trim();
            var info = employee["ContactInfo"] as JsonObject;
            var email = Email(info is null ? null : Value(info, "Email"));
            var name = NameOf(
                Value(employee, "EmployeeName") ?? (info is null ? null : Value(info, "DisplayName")),
                info is null ? null : Value(info, "FirstName"),
                info is null ? null : Value(info, "LastName"),
                email);
            if (id is not null && name is not null)
            {
                people[EmployeePrefix + id] = new ExpectedPerson(EmployeePrefix + id, name, email, CompanyPrefix, !IsInactive(Value(employee, "Status")));
            }
        }

        return people;
    }

    private static string? NameOf(string? display, string? first, string? last, string? email) =>
        new[] { display, $"{first} {last}", email }.Select(v => v?.Trim()).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    private static string? Email(string? email) => string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    private static bool IsInactive(string? status) => string.Equals(status?.Trim(), "Inactive", StringComparison.OrdinalIgnoreCase);

    private static void AddTag(SortedSet<string> tags, string prefix, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            tags.Add(prefix + "_" + new string([.. value.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]));
        }
    }

    private static bool IsConnectorUserId(string externalId) =>
        externalId.StartsWith(ContactPrefix, StringComparison.OrdinalIgnoreCase) || externalId.StartsWith(EmployeePrefix, StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, List<JsonObject>> ByExternalId(List<JsonObject> records) =>
        records.Where(r => Text(r["external_id"]) is not null)
            .GroupBy(r => Text(r["external_id"])!.Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);

    /// <summary>The user's e-mail identities (primary and secondary).</summary>
    private static List<string> Emails(SandboxControl control, string subdomain, JsonObject user) =>
        [.. control.Identities(subdomain, (long)user["id"]!).OfType<JsonObject>()
            .Where(i => Text(i["type"]) == "email").Select(i => Text(i["value"])).OfType<string>()];

    private static int Twin(List<string> problems, bool twin, string problem, int count = 1)
    {
        if (twin)
        {
            problems.Add(problem);
        }

        return twin ? count : 0;
    }

    private static string? Value(JsonObject record, string field) => record[field] is JsonObject o ? o["value"]?.ToString() : null;

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToString();
}
