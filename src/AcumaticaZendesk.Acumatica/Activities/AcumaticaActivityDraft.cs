using AcumaticaZendesk.Acumatica.Model;

namespace AcumaticaZendesk.Acumatica.Activities;

/// <summary>
/// Stable external reference written into an activity's Summary, e.g. <c>[zendesk-ticket:acme:35436]</c>.
/// The closing bracket keeps <c>…:12]</c> from matching <c>…:123]</c>.
/// </summary>
public sealed record AcumaticaActivityMarker
{
    private AcumaticaActivityMarker(string text) => Text = text;

    public string Text { get; }

    public static AcumaticaActivityMarker ForZendeskTicket(string subdomain, long ticketId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subdomain);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticketId);
        if (subdomain.Any(c => c is '[' or ']' or '\'' or ':' || char.IsWhiteSpace(c)))
            throw new ArgumentException($"Zendesk subdomain '{subdomain}' contains characters not allowed in a marker.", nameof(subdomain));
        return new AcumaticaActivityMarker(FormattableString.Invariant($"[zendesk-ticket:{subdomain.ToLowerInvariant()}:{ticketId}]"));
    }

    public override string ToString() => Text;
}

/// <summary>What the connector writes on an account for a ticket.</summary>
/// <param name="Marker">Stable reference; prefixed to the summary.</param>
/// <param name="Title">Human summary (e.g. the ticket subject); truncated so the summary fits 255 characters.</param>
/// <param name="BodyHtml">Activity text (HTML).</param>
/// <param name="RelatedEntityNoteId">NoteID (= record <c>id</c>) of the business account.</param>
/// <param name="RelatedEntityType">Type of that record, e.g. <see cref="CustomerEntityType"/>.</param>
/// <param name="ActivityType">Activity type code; <c>M</c> (note) in the demo data, tenant-configurable.</param>
/// <param name="Internal">Whether the activity is internal.</param>
public sealed record AcumaticaActivityDraft(
    AcumaticaActivityMarker Marker,
    string Title,
    string BodyHtml,
    Guid RelatedEntityNoteId,
    string RelatedEntityType = AcumaticaActivityDraft.CustomerEntityType,
    string ActivityType = "M",
    bool? Internal = null)
{
    public const string CustomerEntityType = "PX.Objects.AR.Customer";
    public const string VendorEntityType = "PX.Objects.AP.Vendor";
    public const string ContactEntityType = "PX.Objects.CR.Contact";
    public const int SummaryMaxLength = 255;

    public string Summary
    {
        get
        {
            var s = $"{Marker.Text} {Title}".Trim();
            return s.Length <= SummaryMaxLength ? s : s[..(SummaryMaxLength - 1)] + "…";
        }
    }

    // Title and body are ticket content (personal data): keep them out of logs that print the draft.
    public override string ToString() =>
        $"AcumaticaActivityDraft {{ Marker = {Marker}, RelatedEntityType = {RelatedEntityType}, RelatedEntityNoteId = {RelatedEntityNoteId} }}";

    /// <summary>The PUT body: only contract fields of Default/24.200.001 (<c>Body</c>, not <c>ActivityDetails</c>).</summary>
    internal AcumaticaActivity ToEntity(Guid? id = null) => new()
    {
        Id = id,
        Summary = Summary,
        Type = ActivityType,
        Body = BodyHtml,
        Internal = Internal is { } i ? new Json.AcumaticaValue<bool?>(i) : null,
        RelatedEntityNoteID = new Json.AcumaticaValue<Guid?>(RelatedEntityNoteId),
        RelatedEntityType = RelatedEntityType,
    };
}

/// <summary>Outcome of <see cref="IAcumaticaClient.UpsertActivityAsync"/>.</summary>
public sealed record AcumaticaActivityUpsertResult(AcumaticaActivity Activity, bool Created, int DuplicatesFound);
