using System.Text.Json.Serialization;
using AcumaticaZendesk.Acumatica.Json;

namespace AcumaticaZendesk.Acumatica.Model;

/// <summary><c>Customer</c> (AR303000): the fields the mapping reads.</summary>
public sealed record AcumaticaCustomer : AcumaticaEntity, IAcumaticaTrackedEntity
{
    public AcumaticaValue<string?>? CustomerID { get; init; }

    public AcumaticaValue<string?>? CustomerName { get; init; }

    public AcumaticaValue<string?>? CustomerClass { get; init; }

    public AcumaticaValue<string?>? Status { get; init; }

    public AcumaticaValue<string?>? Email { get; init; }

    public AcumaticaValue<string?>? ParentRecord { get; init; }

    public AcumaticaContact? MainContact { get; init; }

    public AcumaticaValue<DateTimeOffset?>? CreatedDateTime { get; init; }

    public AcumaticaValue<DateTimeOffset?>? LastModifiedDateTime { get; init; }

    public AcumaticaValue<Guid?>? NoteID { get; init; }

    [JsonIgnore]
    public string? Key => CustomerID?.Value;

    [JsonIgnore]
    public DateTimeOffset? LastModified => LastModifiedDateTime?.Value;
}

/// <summary><c>Vendor</c> (AP303000). The 24.200.001 contract has no NoteID: the record <c>id</c> is the NoteID.</summary>
public sealed record AcumaticaVendor : AcumaticaEntity, IAcumaticaTrackedEntity
{
    public AcumaticaValue<string?>? VendorID { get; init; }

    public AcumaticaValue<string?>? VendorName { get; init; }

    public AcumaticaValue<string?>? VendorClass { get; init; }

    public AcumaticaValue<string?>? Status { get; init; }

    public AcumaticaValue<string?>? LegalName { get; init; }

    public AcumaticaContact? MainContact { get; init; }

    public AcumaticaValue<DateTimeOffset?>? LastModifiedDateTime { get; init; }

    [JsonIgnore]
    public string? Key => VendorID?.Value;

    [JsonIgnore]
    public DateTimeOffset? LastModified => LastModifiedDateTime?.Value;
}

/// <summary><c>Employee</c> (EP203000): agents on the Zendesk side.</summary>
public sealed record AcumaticaEmployee : AcumaticaEntity, IAcumaticaTrackedEntity
{
    public AcumaticaValue<string?>? EmployeeID { get; init; }

    public AcumaticaValue<string?>? EmployeeName { get; init; }

    public AcumaticaValue<string?>? Status { get; init; }

    public AcumaticaContact? ContactInfo { get; init; }

    public AcumaticaValue<DateTimeOffset?>? LastModifiedDateTime { get; init; }

    [JsonIgnore]
    public string? Key => EmployeeID?.Value;

    [JsonIgnore]
    public DateTimeOffset? LastModified => LastModifiedDateTime?.Value;
}
