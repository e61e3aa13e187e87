using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Testing.Fakes;

public static class TestData
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    public static TenantConfig Tenant(string id = "contoso") => new()
    {
        Id = id,
        DisplayName = "Contoso Ltd",
        Acumatica = new AcumaticaSettings
        {
            InstanceUrl = "https://erp.contoso.example/AcumaticaERP",
            EndpointVersion = "24.200.001",
            Company = "Contoso",
        },
        Zendesk = new ZendeskSettings { Subdomain = "contoso" },
    };

    public static AcumaticaAccount Customer(string key, string name, DateTimeOffset? modified = null, string? email = null, string? status = "Active") => new()
    {
        Kind = EntityKind.Customer,
        Key = key,
        Name = name,
        LastModifiedDateTime = modified ?? T0,
        Email = email,
        Status = status,
        ClassId = "DEFAULT",
    };

    public static AcumaticaAccount Vendor(string key, string name, DateTimeOffset? modified = null, string? status = "Active") => new()
    {
        Kind = EntityKind.Vendor,
        Key = key,
        Name = name,
        LastModifiedDateTime = modified ?? T0,
        Status = status,
        ClassId = "SUPPLIER",
    };

    public static AcumaticaPerson Contact(string key, string first, string last, string? email, string? account, DateTimeOffset? modified = null) => new()
    {
        Kind = EntityKind.Contact,
        Key = key,
        FirstName = first,
        LastName = last,
        Email = email,
        BusinessAccount = account,
        LastModifiedDateTime = modified ?? T0,
    };

    public static AcumaticaPerson Employee(string key, string name, string? email, DateTimeOffset? modified = null) => new()
    {
        Kind = EntityKind.Employee,
        Key = key,
        DisplayName = name,
        Email = email,
        LastModifiedDateTime = modified ?? T0,
    };
}
