using AcumaticaZendesk.Acumatica.Model;

namespace AcumaticaZendesk.Acumatica.Reading;

/// <summary>
/// A top-level entity as the connector reads it: its name in the URL, the fields to <c>$select</c> and
/// the linked entities to <c>$expand</c> (only what mapping needs, to keep pages small).
/// </summary>
public sealed record AcumaticaEntitySet<T>(string EntityName, string KeyField, IReadOnlyList<string> Select, IReadOnlyList<string> Expand)
    where T : AcumaticaEntity, IAcumaticaTrackedEntity
{
    /// <summary>The field incremental reads filter on.</summary>
    public const string LastModifiedField = "LastModifiedDateTime";
}

/// <summary>The entity sets of the connector, for Default/24.200.001 (field paths are checked by the contract tests).</summary>
public static class AcumaticaEntitySets
{
    public static AcumaticaEntitySet<AcumaticaCustomer> Customers { get; } = new(
        "Customer",
        "CustomerID",
        ["CustomerID", "CustomerName", "CustomerClass", "Status", "Email", "ParentRecord", "CreatedDateTime", "LastModifiedDateTime", "NoteID",
         "MainContact/DisplayName", "MainContact/Email", "MainContact/Phone1", "MainContact/WebSite"],
        ["MainContact"]);

    public static AcumaticaEntitySet<AcumaticaVendor> Vendors { get; } = new(
        "Vendor",
        "VendorID",
        ["VendorID", "VendorName", "VendorClass", "Status", "LegalName", "LastModifiedDateTime",
         "MainContact/DisplayName", "MainContact/Email", "MainContact/Phone1", "MainContact/WebSite"],
        ["MainContact"]);

    public static AcumaticaEntitySet<AcumaticaContact> Contacts { get; } = new(
        "Contact",
        "ContactID",
        ["ContactID", "BusinessAccount", "DisplayName", "FirstName", "LastName", "Email", "Phone1", "WebSite", "Active", "Status",
         "LastModifiedDateTime", "NoteID"],
        []);

    public static AcumaticaEntitySet<AcumaticaEmployee> Employees { get; } = new(
        "Employee",
        "EmployeeID",
        ["EmployeeID", "EmployeeName", "Status", "LastModifiedDateTime", "ContactInfo/DisplayName", "ContactInfo/Email"],
        ["ContactInfo"]);
}

/// <summary>One page of an incremental read.</summary>
/// <param name="Items">Records in server order (no <c>$orderby</c> exists).</param>
/// <param name="Since">The inclusive lower bound used (null = everything).</param>
/// <param name="Skip">The <c>$skip</c> used.</param>
/// <param name="Top">The <c>$top</c> used.</param>
public sealed record AcumaticaPage<T>(IReadOnlyList<T> Items, DateTimeOffset? Since, int Skip, int Top)
{
    /// <summary>Rows of the page the client refused (malformed, incomplete, oversized); they count as rows for paging.</summary>
    public IReadOnlyList<AcumaticaRejectedRecord> Rejected { get; init; } = [];

    /// <summary>Rows the server returned: <see cref="Items"/> plus <see cref="Rejected"/>.</summary>
    public int RowCount => Items.Count + Rejected.Count;

    /// <summary>A page shorter than <see cref="Top"/> ends the pass (the API has no next link and no total).</summary>
    public bool IsLastPage => RowCount < Top;

    public int NextSkip => Skip + RowCount;
}
