namespace AcumaticaZendesk.Sandbox.Acumatica;

/// <summary>What the sandbox knows about one contract-based entity (Default endpoint).</summary>
internal sealed record AcuEntityDef(
    string Name,
    string KeyField,
    bool AutoKey,
    bool HasNoteId,
    string GraphType,
    string FilesPath,
    IReadOnlyList<string> Required,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Allowed,
    IReadOnlySet<string> Linked,
    IReadOnlySet<string> Details)
{
    public static readonly IReadOnlyList<string> CustomerStatuses = ["Active", "On Hold", "Credit Hold", "Inactive", "One-Time"];
    public static readonly IReadOnlyList<string> VendorStatuses = ["Active", "On Hold", "Hold Payments", "Inactive", "One-Time"];
    public static readonly IReadOnlyList<string> EmployeeStatuses = ["Active", "Inactive"];

    public static readonly AcuEntityDef Customer = new(
        "Customer", "CustomerID", false, true, "PX.Objects.AR.Customer", "PX.Objects.AR.CustomerMaint/BAccount",
        ["CustomerID", "CustomerName"],
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["Status"] = CustomerStatuses,
            ["CustomerClass"] = ["DEFAULT", "INTL", "LOCAL", "RETAIL"],
        },
        new HashSet<string>(StringComparer.Ordinal) { "MainContact", "PrimaryContact", "BillingContact", "ShippingContact" },
        new HashSet<string>(StringComparer.Ordinal) { "Contacts", "Attributes" });

    public static readonly AcuEntityDef Vendor = new(
        "Vendor", "VendorID", false, false, "PX.Objects.AP.Vendor", "PX.Objects.AP.VendorMaint/BAccount",
        ["VendorID", "VendorName"],
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["Status"] = VendorStatuses,
            ["VendorClass"] = ["DEFAULT", "LOCAL", "INTL"],
        },
        new HashSet<string>(StringComparer.Ordinal) { "MainContact", "PrimaryContact" },
        new HashSet<string>(StringComparer.Ordinal) { "Contacts", "Attributes" });

    public static readonly AcuEntityDef Contact = new(
        "Contact", "ContactID", true, true, "PX.Objects.CR.Contact", "PX.Objects.CR.ContactMaint/Contact",
        ["LastName"],
        new Dictionary<string, IReadOnlyList<string>>(),
        new HashSet<string>(StringComparer.Ordinal) { "Address" },
        new HashSet<string>(StringComparer.Ordinal) { "Activities", "Attributes" });

    public static readonly AcuEntityDef Employee = new(
        "Employee", "EmployeeID", false, false, "PX.Objects.EP.EPEmployee", "PX.Objects.EP.EmployeeMaint/Employee",
        ["EmployeeID"],
        new Dictionary<string, IReadOnlyList<string>> { ["Status"] = EmployeeStatuses },
        new HashSet<string>(StringComparer.Ordinal) { "ContactInfo", "EmployeeSettings" },
        new HashSet<string>(StringComparer.Ordinal) { "Attributes" });

    public static readonly AcuEntityDef Activity = new(
        "Activity", "NoteID", true, true, "PX.Objects.CR.CRActivity", "PX.Objects.CR.CRActivityMaint/Activities",
        ["Summary"],
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["Status"] = ["Open", "Draft", "Completed", "Canceled", "InProcess"],
        },
        new HashSet<string>(StringComparer.Ordinal),
        new HashSet<string>(StringComparer.Ordinal));

    public static readonly IReadOnlyDictionary<string, AcuEntityDef> All =
        new Dictionary<string, AcuEntityDef>(StringComparer.OrdinalIgnoreCase)
        {
            [Customer.Name] = Customer,
            [Vendor.Name] = Vendor,
            [Contact.Name] = Contact,
            [Employee.Name] = Employee,
            [Activity.Name] = Activity,
        };

    /// <summary>"CustomerName" → "Customer Name", "CustomerID" → "Customer ID" (the UI label style of error messages).</summary>
    public static string Label(string field)
    {
        var sb = new System.Text.StringBuilder(field.Length + 4);
        for (var i = 0; i < field.Length; i++)
        {
            if (i > 0 && char.IsUpper(field[i]) && !char.IsUpper(field[i - 1]))
            {
                sb.Append(' ');
            }

            sb.Append(field[i]);
        }

        return sb.ToString();
    }
}
