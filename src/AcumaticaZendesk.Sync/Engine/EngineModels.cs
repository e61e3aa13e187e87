using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Json;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>How the engine treats pages, audit entries and queued failures (<c>Sync:Engine</c>); speed is <see cref="Throughput.ThroughputOptions"/>.</summary>
public sealed record SyncEngineOptions : IValidatableObject
{
    public const string SectionName = "Sync:Engine";

    /// <summary>Re-reads at page edges and the watermark's safety lag (<c>Sync:Engine:PageEdges</c>).</summary>
    public PageEdgeOptions PageEdges { get; init; } = new();

    /// <summary>How much of the audit trail and the failed queue is kept (<c>Sync:Engine:Retention</c>).</summary>
    public AuditRetention Retention { get; init; } = new();

    /// <summary>Queued failures of a kind retried at the start of each window (i.e. on the next run). Default 100.</summary>
    [Range(0, 10_000, ErrorMessage = SectionName + ":" + nameof(MaxRetriesPerWindow) + " must be between {1} and {2}.")]
    public int MaxRetriesPerWindow { get; init; } = 100;

    /// <summary>The nested sections' rules (DataAnnotations does not look into nested objects by itself).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(PageEdges, new ValidationContext(PageEdges), results, validateAllProperties: true);
        Validator.TryValidateObject(Retention, new ValidationContext(Retention), results, validateAllProperties: true);
        return results;
    }
}

/// <summary>Words that start a <see cref="PlannedItem.Reason"/> with a meaning of their own.</summary>
public static class PlannedReasons
{
    /// <summary>A skip because several Zendesk records match (or one matches several accounts): the operator chooses.</summary>
    public const string Ambiguous = "ambiguous: ";

    public static bool IsAmbiguous(PlannedItem item) =>
        item is { Action: PlannedAction.Skip, Reason: { } reason } && reason.StartsWith(Ambiguous, StringComparison.Ordinal);
}

/// <summary>What the engine does (or, in a plan, would do) with a record.</summary>
[JsonConverter(typeof(KebabEnumConverter<PlannedAction>))]
public enum PlannedAction
{
    Create,

    /// <summary>Create again: we wrote it before, but it was removed in Zendesk.</summary>
    Recreate,
    Update,

    /// <summary>Link an existing Zendesk record by stamping our external_id on it.</summary>
    Adopt,
    Unchanged,
    Skip,
    Fail,
}

/// <summary>One record's decision (and, after writing, its outcome).</summary>
public sealed record PlannedItem(
    EntityKind Kind,
    string Key,
    string ExternalId,
    PlannedAction Action,
    long? ZendeskId,
    string? Reason,
    WriteError? Error,
    IReadOnlyList<long> CandidateIds,
    bool EmailIdentityAdded = false);

/// <summary>A dry run of one page: what would happen, nothing written.</summary>
public sealed record SyncPlan(SyncPagesResult Result, IReadOnlyList<PlannedItem> Items);

/// <summary>The outcome of a replay.</summary>
public sealed record ReplayResult(IReadOnlyList<PlannedItem> Items)
{
    public int Succeeded => Items.Count(i => i.Action is not (PlannedAction.Fail or PlannedAction.Skip));

    public int Failed => Items.Count(i => i.Action == PlannedAction.Fail);
}

/// <summary>What we last wrote for an organization: its Zendesk id, fingerprint and the per-role contributions.</summary>
public sealed record OrganizationTargetState(long ZendeskId, string Fingerprint, IReadOnlyDictionary<string, OrganizationContribution> Contributions);

/// <summary>What we last wrote for a user: its Zendesk id, fingerprint and the e-mail we made sure it has.</summary>
public sealed record UserTargetState(long ZendeskId, string Fingerprint, string? Email);

/// <summary>Mutable working state of one record while a page is processed.</summary>
internal sealed class WorkItem(AcumaticaRecord record, string externalId)
{
    public AcumaticaRecord Record { get; } = record;

    public RecordRef Ref { get; } = new(record.Kind, record.Key);

    public string ExternalId { get; } = externalId;

    public string? Fingerprint { get; set; }

    public PlannedAction Action { get; set; } = PlannedAction.Skip;

    public long? ZendeskId { get; set; }

    public string? Reason { get; set; }

    public WriteError? Error { get; set; }

    public List<long> CandidateIds { get; } = [];

    public OnboardingCase? Onboarding { get; set; }

    public bool EmailIdentityAdded { get; set; }

    /// <summary>external_id of the organization a user should be in but that is not in Zendesk yet.</summary>
    public string? PendingOrganization { get; set; }

    public bool Mapped => Fingerprint is not null;

    public void Skip(string reason)
    {
        Action = PlannedAction.Skip;
        Reason = reason;
    }

    public void Fail(WriteError error)
    {
        Action = PlannedAction.Fail;
        Error = error;
    }

    public PlannedItem ToPlanned() =>
        new(Ref.Kind, Ref.Key, ExternalId, Action, ZendeskId, Reason, Error, CandidateIds.ToArray(), EmailIdentityAdded);
}

/// <summary>What one page (or replay batch) needs everywhere.</summary>
internal sealed record PageScope(Tenants.TenantConfig Tenant, string RunId, EntityKind Kind, bool DryRun, bool Replay, bool FirstLoad, DateTimeOffset Now);
