using System.Globalization;
using System.Text.Json.Serialization;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>Where a ticket change came from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TicketChangeSource>))]
public enum TicketChangeSource
{
    Webhook,
    IncrementalExport,
}

/// <summary>Input of <see cref="TicketContextWorkflow"/>: one change of one ticket.</summary>
public sealed record TicketChange(string TenantId, long TicketId, DateTimeOffset UpdatedAt, TicketChangeSource Source, string? EventId = null)
{
    /// <summary><c>ticket-{tenant}-{ticketId}-{updatedAt:yyyyMMddHHmmss}</c>: the same change always maps to the same instance.</summary>
    public string InstanceId => string.Create(
        CultureInfo.InvariantCulture, $"ticket-{TenantId}-{TicketId}-{UpdatedAt.UtcDateTime:yyyyMMddHHmmss}");
}

/// <summary>Input of <see cref="ApplyTicketContextActivity"/>.</summary>
public sealed record TicketContextRequest(string TenantId, long TicketId, string RunId);

[JsonConverter(typeof(JsonStringEnumConverter<TicketContextOutcome>))]
public enum TicketContextOutcome
{
    /// <summary>The activity was created on the account.</summary>
    Created,

    /// <summary>The ticket's activity was updated.</summary>
    Updated,

    /// <summary>This version of the ticket (or a newer one) was applied already.</summary>
    AlreadyApplied,

    /// <summary>Not written, with the reason (no organization, organization without Acumatica link, account not found, ticket gone).</summary>
    Skipped,
}

/// <summary>What the flow did with one ticket.</summary>
public sealed record TicketContextResult(string TenantId, long TicketId, TicketContextOutcome Outcome, string? Detail = null, Guid? ActivityId = null);

/// <summary>
/// The last version of a ticket the flow applied (state key <c>tickets:{tenant}:applied:{ticketId}</c>): the export
/// pass and redelivered changes skip versions not newer than this.
/// </summary>
public sealed record TicketApplied(
    DateTimeOffset? UpdatedAt,
    long? GeneratedTimestamp,
    TicketContextOutcome Outcome,
    Guid? ActivityId,
    DateTimeOffset AppliedAt)
{
    public static string Key(string tenantId, long ticketId) => string.Create(CultureInfo.InvariantCulture, $"tickets:{tenantId}:applied:{ticketId}");

    /// <summary>True when the ticket as read now is newer than what was applied.</summary>
    public bool IsOlderThan(DateTimeOffset? updatedAt, long? generatedTimestamp) =>
        (updatedAt is { } u && (UpdatedAt is null || u > UpdatedAt))
        || (generatedTimestamp is { } g && (GeneratedTimestamp is null || g > GeneratedTimestamp));
}

/// <summary>The tenant's position in the incremental ticket export (state key <c>tickets:{tenant}:export-cursor</c>).</summary>
public sealed record TicketExportCursor(string AfterCursor, DateTimeOffset SavedAt)
{
    public static string Key(string tenantId) => $"tickets:{tenantId}:export-cursor";
}

/// <summary>Input of <see cref="TicketExportActivity"/>.</summary>
public sealed record TicketExportRequest(string TenantId, string RunId);

/// <summary>What one export pass did.</summary>
public sealed record TicketExportResult(string TenantId, int Pages, int Read, int Applied, int AlreadyApplied, int Skipped, int Failed, bool EndOfStream);
