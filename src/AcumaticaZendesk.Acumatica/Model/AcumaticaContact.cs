using System.Globalization;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Acumatica.Json;

namespace AcumaticaZendesk.Acumatica.Model;

/// <summary>
/// <c>Contact</c> (top-level entity), also the shape of linked contacts such as Customer.MainContact
/// and Employee.ContactInfo. Only the fields the mapping needs are declared.
/// </summary>
public sealed record AcumaticaContact : AcumaticaEntity, IAcumaticaTrackedEntity
{
    public AcumaticaValue<int?>? ContactID { get; init; }

    public AcumaticaValue<string?>? BusinessAccount { get; init; }

    public AcumaticaValue<string?>? DisplayName { get; init; }

    public AcumaticaValue<string?>? FirstName { get; init; }

    public AcumaticaValue<string?>? LastName { get; init; }

    public AcumaticaValue<string?>? Email { get; init; }

    public AcumaticaValue<string?>? Phone1 { get; init; }

    public AcumaticaValue<string?>? WebSite { get; init; }

    public AcumaticaValue<bool?>? Active { get; init; }

    public AcumaticaValue<string?>? Status { get; init; }

    public AcumaticaValue<DateTimeOffset?>? LastModifiedDateTime { get; init; }

    public AcumaticaValue<Guid?>? NoteID { get; init; }

    [JsonIgnore]
    public string? Key => ContactID?.Value?.ToString(CultureInfo.InvariantCulture);

    [JsonIgnore]
    public DateTimeOffset? LastModified => LastModifiedDateTime?.Value;
}
