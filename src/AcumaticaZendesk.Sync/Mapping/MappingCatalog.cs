using System.Text.RegularExpressions;
using AcumaticaZendesk.Sync.Source;

namespace AcumaticaZendesk.Sync.Mapping;

/// <summary>Which Zendesk record a mapping writes into.</summary>
public enum MappingSide
{
    Organization,
    User,
}

/// <summary>The sources and targets field mappings may use, and the finance guard: no finance data ever reaches Zendesk.</summary>
public static partial class MappingCatalog
{
    /// <summary>Sources known on accounts (Customer/Vendor); also <c>attribute:ID</c> and <c>field:Name</c>.</summary>
    public static readonly IReadOnlySet<string> AccountSources = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "accountCode", "name", "class", "status", "email", "website", "phone", "note", "parentAccount",
    };

    /// <summary>Sources known on people (Contact/Employee); also <c>attribute:ID</c> and <c>field:Name</c>.</summary>
    public static readonly IReadOnlySet<string> PersonSources = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "key", "firstName", "lastName", "displayName", "email", "phone", "businessAccount", "status", "note",
    };

    /// <summary>Words that mark a finance field, matched against the words of a source name.</summary>
    private static readonly HashSet<string> FinanceWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "balance", "balances", "credit", "credits", "debit", "invoice", "invoices", "bill", "bills", "order", "orders",
        "payment", "payments", "prepayment", "gl", "ledger", "terms", "currency", "cury", "price", "prices",
        "amount", "amt", "tax", "taxes", "discount", "deposit", "deposits", "aging", "overdue", "writeoff",
        "revenue", "cost", "statement", "statements", "dunning", "bank", "iban", "salary", "payroll", "wage",
    };

    private const string AttributePrefix = "attribute:";
    private const string FieldPrefix = "field:";

    /// <summary>Why a source cannot be mapped, or null when it can.</summary>
    public static string? CheckSource(string? source, MappingSide side)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return "is required";
        }

        var name = source.Trim();
        string bare;
        if (name.StartsWith(AttributePrefix, StringComparison.OrdinalIgnoreCase) || name.StartsWith(FieldPrefix, StringComparison.OrdinalIgnoreCase))
        {
            bare = name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..];
            if (!SourceNameRegex().IsMatch(bare))
            {
                return $"'{name}' must name an attribute or field with letters, digits, '_' or '.' after the prefix";
            }
        }
        else
        {
            var known = side == MappingSide.Organization ? AccountSources : PersonSources;
            if (!known.Contains(name))
            {
                return $"unknown mapping source '{name}'; use one of {string.Join(", ", known.Order(StringComparer.Ordinal))}, 'attribute:<ID>' or "
                    + "'field:<Name>'";
            }

            bare = name;
        }

        var financeWord = Words(bare).FirstOrDefault(FinanceWords.Contains);
        return financeWord is null
            ? null
            : $"'{name}' is a finance field ('{financeWord}'): balances, credit, invoices, bills, orders, payments, GL, terms and currency never go to Zendesk";
    }

    /// <summary>Why a target cannot be written, or null when it can.</summary>
    public static string? CheckTarget(string? target, MappingSide side)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return "is required";
        }

        var customPrefix = side == MappingSide.Organization ? "organization_fields." : "user_fields.";
        if (target is "tags" or "notes" or "details")
        {
            return null;
        }

        if (target.StartsWith(customPrefix, StringComparison.Ordinal))
        {
            return FieldKeyRegex().IsMatch(target[customPrefix.Length..])
                ? null
                : $"'{target}': the field key after '{customPrefix}' must be letters, digits or '_' (max 64)";
        }

        return $"unknown mapping target '{target}'; use 'tags', 'notes', 'details' or '{customPrefix}<key>'";
    }

    public static string? Read(AcumaticaAccount account, string source) => source.Trim().ToLowerInvariant() switch
    {
        "accountcode" => account.Key,
        "name" => account.Name,
        "class" => account.ClassId,
        "status" => account.Status,
        "email" => account.Email,
        "website" => account.Website,
        "phone" => account.Phone,
        "note" => account.Note,
        "parentaccount" => account.ParentAccount,
        _ => ReadExtra(account, source),
    };

    public static string? Read(AcumaticaPerson person, string source) => source.Trim().ToLowerInvariant() switch
    {
        "key" => person.Key,
        "firstname" => person.FirstName,
        "lastname" => person.LastName,
        "displayname" => person.DisplayName,
        "email" => person.Email,
        "phone" => person.Phone,
        "businessaccount" => person.BusinessAccount,
        "status" => person.Status,
        "note" => person.Note,
        _ => ReadExtra(person, source),
    };

    private static string? ReadExtra(AcumaticaRecord record, string source)
    {
        var name = source.Trim();
        if (name.StartsWith(AttributePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Lookup(record.Attributes, name[AttributePrefix.Length..]);
        }

        return name.StartsWith(FieldPrefix, StringComparison.OrdinalIgnoreCase)
            ? Lookup(record.Fields, name[FieldPrefix.Length..])
            : null;
    }

    private static string? Lookup(IReadOnlyDictionary<string, string?> values, string name)
    {
        foreach (var (key, value) in values)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Splits <c>CustomerCreditLimit</c>, <c>credit_limit</c>, <c>GLAccount</c> into words.</summary>
    internal static IEnumerable<string> Words(string name) =>
        WordRegex().Matches(name).Select(m => m.Value);

    [GeneratedRegex("^[A-Za-z0-9_.]{1,100}\\z")]
    private static partial Regex SourceNameRegex();

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}\\z")]
    private static partial Regex FieldKeyRegex();

    [GeneratedRegex("[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")]
    private static partial Regex WordRegex();
}
