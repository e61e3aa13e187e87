using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Mapping;

/// <summary>
/// The external_id scheme (docs/sync-model.md): organizations use the account code (a Customer and a Vendor with one code
/// are one organization); users get a prefix per kind so contacts and employees never collide.
/// </summary>
public static class ExternalIds
{
    public const string ContactPrefix = "acu-contact:";
    public const string EmployeePrefix = "acu-employee:";
    public const string CompanyPrefix = "acu-company:";

    public static string Organization(string businessAccountCode) => businessAccountCode.Trim();

    public static string User(EntityKind kind, string key) => kind switch
    {
        EntityKind.Contact => ContactPrefix + key.Trim(),
        EntityKind.Employee => EmployeePrefix + key.Trim(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only contacts and employees become users."),
    };

    public static string Company(string company) => CompanyPrefix + company.Trim();

    public static string For(EntityKind kind, string key) =>
        IsOrganizationKind(kind) ? Organization(key) : User(kind, key);

    public static bool IsOrganizationKind(EntityKind kind) => kind is EntityKind.Customer or EntityKind.Vendor;
}
