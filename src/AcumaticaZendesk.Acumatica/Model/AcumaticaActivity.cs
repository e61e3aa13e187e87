using AcumaticaZendesk.Acumatica.Json;

namespace AcumaticaZendesk.Acumatica.Model;

/// <summary>
/// <c>Activity</c> (CR306010). The 24.200.001 schema names the text field <c>Body</c>; Acumatica's docs and
/// Postman collection send <c>ActivityDetails</c>, which that schema does not have (the server ignores
/// unknown fields, so the text would be silently lost). This model sends <c>Body</c>.
/// </summary>
public sealed record AcumaticaActivity : AcumaticaEntity
{
    public AcumaticaValue<string?>? Summary { get; init; }

    /// <summary>Activity type code (tenant-configurable; <c>M</c> = note in the demo data).</summary>
    public AcumaticaValue<string?>? Type { get; init; }

    /// <summary>HTML text of the activity (<c>Body</c> in Default/24.200.001).</summary>
    public AcumaticaValue<string?>? Body { get; init; }

    public AcumaticaValue<DateTimeOffset?>? Date { get; init; }

    public AcumaticaValue<string?>? Status { get; init; }

    public AcumaticaValue<bool?>? Internal { get; init; }

    public AcumaticaValue<string?>? Owner { get; init; }

    /// <summary>Type of the linked record, e.g. <c>PX.Objects.AR.Customer</c>.</summary>
    public AcumaticaValue<string?>? RelatedEntityType { get; init; }

    /// <summary>NoteID (= <c>id</c>) of the linked record.</summary>
    public AcumaticaValue<Guid?>? RelatedEntityNoteID { get; init; }

    /// <summary>Read-only description of the linked record.</summary>
    public AcumaticaValue<string?>? RelatedEntityDescription { get; init; }

    public AcumaticaValue<Guid?>? NoteID { get; init; }

    public AcumaticaValue<DateTimeOffset?>? CreatedDateTime { get; init; }

    public AcumaticaValue<DateTimeOffset?>? LastModifiedDateTime { get; init; }
}
