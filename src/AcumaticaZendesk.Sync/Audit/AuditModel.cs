using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Sync.Json;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Audit;

/// <summary>What happened to a record.</summary>
[JsonConverter(typeof(KebabEnumConverter<AuditAction>))]
public enum AuditAction
{
    /// <summary>Read from Acumatica.</summary>
    Seen,

    /// <summary>Mapped to a Zendesk payload (fingerprint in the entry).</summary>
    Mapped,

    /// <summary>Fingerprint unchanged and the Zendesk record is there: no write.</summary>
    SkippedUnchanged,

    Created,
    Updated,

    /// <summary>Zendesk refused the record (error in the entry); queued for replay.</summary>
    Failed,

    Replayed,

    /// <summary>Not written, with the reason (mapping refused it, onboarding ambiguity, report-only, …).</summary>
    Skipped,

    /// <summary>An existing Zendesk record was linked by stamping our external_id on it.</summary>
    Adopted,
}

/// <summary>A record of one tenant: kind + Acumatica key.</summary>
public sealed record RecordRef(EntityKind Kind, string Key);

/// <summary>One event in a record's history. Never holds tokens or secrets (messages are scrubbed).</summary>
public sealed record AuditEntry(
    string RunId,
    DateTimeOffset At,
    AuditAction Action,
    long? ZendeskId = null,
    string? Detail = null,
    WriteError? Error = null,
    string? Fingerprint = null,
    DateTimeOffset? SourceModifiedAt = null);

/// <summary>A record's history, newest first (<c>audit:{tenant}:rec:{kind}:{key}</c>).</summary>
public sealed record RecordHistory(
    string TenantId,
    EntityKind Kind,
    string Key,
    string ExternalId,
    long? ZendeskId,
    IReadOnlyList<AuditEntry> Entries);

/// <summary>New entries for one record, written together after a page.</summary>
public sealed record RecordAudit(RecordRef Record, string ExternalId, long? ZendeskId, IReadOnlyList<AuditEntry> Entries);

/// <summary>How much history is kept (configuration section <c>Sync:Engine:Retention</c>).</summary>
public sealed record AuditRetention
{
    /// <summary>Audit entries kept per record, newest first. Default 50.</summary>
    [Range(1, 10_000, ErrorMessage = "Sync:Engine:Retention:MaxEntriesPerRecord must be between {1} and {2}.")]
    public int MaxEntriesPerRecord { get; init; } = 50;

    /// <summary>Age after which audit entries are dropped. Default 90 days.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ErrorMessage = "Sync:Engine:Retention:MaxAge must be between {1} and {2}.")]
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Longest error/detail text kept. Default 1,000 characters.</summary>
    [Range(100, 100_000, ErrorMessage = "Sync:Engine:Retention:MaxMessageLength must be between {1} and {2}.")]
    public int MaxMessageLength { get; init; } = 1_000;
}

/// <summary>A record waiting for replay (<c>audit:{tenant}:failed</c>).</summary>
public sealed record FailedRecord(
    EntityKind Kind,
    string Key,
    string RunId,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset LastFailedAt,
    int Attempts,
    WriteError Error);

/// <summary>An onboarding decision the operator should see (adoptions, ambiguities, report-only matches).</summary>
public sealed record OnboardingCase(
    EntityKind Kind,
    string Key,
    string Name,
    OnboardingOutcome Outcome,
    IReadOnlyList<long> CandidateIds,
    string Reason,
    string RunId,
    DateTimeOffset At);

[JsonConverter(typeof(KebabEnumConverter<OnboardingOutcome>))]
public enum OnboardingOutcome
{
    Adopted,
    Ambiguous,
    Matched,
    Conflict,
}
