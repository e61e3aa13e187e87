namespace AcumaticaZendesk.Sandbox.Control;

/// <summary>A deterministic dataset: same spec and seed, same records (names, keys, GUIDs, timestamps).</summary>
public sealed class SeedSpec
{
    public string Instance { get; set; } = "demo";

    public string Tenant { get; set; } = "Company";

    public IList<string> Versions { get; set; } = ["23.200.001", "24.200.001"];

    public string Subdomain { get; set; } = "demo";

    public int Customers { get; set; } = 40;

    public int Vendors { get; set; } = 10;

    /// <summary>Business accounts that are both customer and vendor (same key and NoteID in both entities).</summary>
    public int CustomerVendors { get; set; } = 5;

    public int ContactsPerAccount { get; set; } = 2;

    public int Employees { get; set; } = 5;

    /// <summary>Zendesk tickets to create (requested by seeded end users).</summary>
    public int Tickets { get; set; }

    /// <summary>Consecutive records share one LastModifiedDateTime in groups of this size (ties, as after a mass update).</summary>
    public int TieGroupSize { get; set; } = 10;

    public int RandomSeed { get; set; } = 42;

    /// <summary>LastModifiedDateTime of the first group; later groups are one second apart.</summary>
    public DateTimeOffset BaseTime { get; set; } = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
}

/// <summary>What a seed created.</summary>
public sealed record SeedSummary(string Instance, string Subdomain, int Customers, int Vendors, int Contacts, int Employees, int Tickets);

/// <summary>Credentials of the demo dataset (also in docs/sandbox.md).</summary>
public static class DemoCredentials
{
    public const string AcumaticaUser = "admin";
    public const string AcumaticaPassword = "Sandbox-Demo-1";
    public const string AcumaticaTenant = "Company";
    public const string AcumaticaClientId = "0E6B1D2C-7A4F-4C3B-9D21-5F8A6B7C9D10@Company";
    public const string AcumaticaClientSecret = "demo-acumatica-secret";
    public const string ZendeskClientId = "acumatica_connector_demo";
    public const string ZendeskClientSecret = "demo-zendesk-secret";
    public const string ZendeskAdminEmail = "admin@demo.example";
    public const string ZendeskApiToken = "demo-zendesk-api-token";
    public const string WebhookSecret = "demo-webhook-signing-secret";
}
