using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// <c>{InstanceId}-{hash of the event id}</c>: the instance for an event that arrives after <see cref="InstanceId"/> has
    /// finished (a change later in the same second shares the whole-second <c>updated_at</c>); null without an event id.
    /// </summary>
    public string? FollowUpInstanceId => EventId is { Length: > 0 } eventId
        ? $"{InstanceId}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)))[..16]}"
        : null;
}

/// <summary>Input of <see cref="ApplyTicketContextActivity"/>.</summary>
public sealed record TicketContextRequest(string TenantId, long TicketId, string RunId);

[JsonConverter(typeof(JsonStringEnumConverter<TicketContextOutcome>))]
public enum TicketContextOutcome
{
    Created,
    Updated,

    /// <summary>This version of the ticket (or a newer one) was applied already.</summary>
    AlreadyApplied,

    /// <summary>Not written, with the reason (no organization, organization without Acumatica link, account not found, ticket gone).</summary>
    Skipped,
}

/// <summary>What the flow did with one ticket.</summary>
public sealed record TicketContextResult(string TenantId, long TicketId, TicketContextOutcome Outcome, string? Detail = null, Guid? ActivityId = null);

/// <summary>The last version of a ticket the flow applied; the export pass and redeliveries skip versions it <see cref="Covers"/>.</summary>
/// <param name="Settled">
/// Read after its second was over. Zendesk's <c>updated_at</c> has whole seconds, so a version read within its second is
/// applied again when met (written only when the activity would change, <paramref name="Fingerprint"/>).
/// </param>
/// <param name="Fingerprint">SHA-256 of what was written on the activity (summary, body, account); null for skips.</param>
public sealed record TicketApplied(
    DateTimeOffset? UpdatedAt,
    long? GeneratedTimestamp,
    TicketContextOutcome Outcome,
    Guid? ActivityId,
    DateTimeOffset AppliedAt,
    bool Settled = true,
    string? Fingerprint = null)
{
    public static string Key(string tenantId, long ticketId) => string.Create(CultureInfo.InvariantCulture, $"tickets:{tenantId}:applied:{ticketId}");

    /// <summary>True when the ticket as read now is newer than what was applied.</summary>
    public bool IsOlderThan(DateTimeOffset? updatedAt, long? generatedTimestamp) =>
        (updatedAt is { } u && (UpdatedAt is null || u > UpdatedAt))
        || (generatedTimestamp is { } g && (GeneratedTimestamp is null || g > GeneratedTimestamp));

    /// <summary>
    /// True when nothing is left to apply for the ticket read at this version: what was applied is newer, or is this very
    /// version and was <see cref="Settled"/> (no later change can hide behind the same version).
    /// </summary>
    public bool Covers(DateTimeOffset? updatedAt, long? generatedTimestamp) =>
        !IsOlderThan(updatedAt, generatedTimestamp) && (Settled || UpdatedAt != updatedAt || GeneratedTimestamp != generatedTimestamp);

    /// <summary>Whether the version was read after its second ended, allowing <paramref name="clockAllowance"/> between the clocks.</summary>
    public static bool IsSettled(DateTimeOffset? updatedAt, long? generatedTimestamp, DateTimeOffset readAt, TimeSpan clockAllowance)
    {
        var version = updatedAt ?? DateTimeOffset.MinValue;
        if (generatedTimestamp is { } g && DateTimeOffset.FromUnixTimeSeconds(g) > version)
        {
            version = DateTimeOffset.FromUnixTimeSeconds(g);
        }

        return version == DateTimeOffset.MinValue || readAt >= version + TimeSpan.FromSeconds(1) + clockAllowance;
    }
}

/// <summary>The tenant's position in the incremental ticket export (state key <c>tickets:{tenant}:export-cursor</c>).</summary>
public sealed record TicketExportCursor(string AfterCursor, DateTimeOffset SavedAt)
{
    public static string Key(string tenantId) => $"tickets:{tenantId}:export-cursor";
}

/// <summary>Input of <see cref="TicketExportActivity"/>.</summary>
public sealed record TicketExportRequest(string TenantId, string RunId);

/// <summary>What one export pass did.</summary>
public sealed record TicketExportResult(string TenantId, int Pages, int Read, int Applied, int AlreadyApplied, int Skipped, int Failed, bool EndOfStream)
{
    /// <summary>A pass that read nothing (skipped or stopped before its first page).</summary>
    public static TicketExportResult Nothing(string tenantId) => new(tenantId, 0, 0, 0, 0, 0, 0, false);
}

/// <summary>How long the last applied ticket took from Zendesk to its Activity in Acumatica, kept for the alert trigger.</summary>
public sealed record TicketFlowLag(TimeSpan Lag, DateTimeOffset AppliedAt)
{
    public static string Key(string tenantId) => $"tickets:{tenantId}:flow-lag";
}
