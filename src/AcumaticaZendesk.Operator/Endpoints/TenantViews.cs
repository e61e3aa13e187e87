using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Endpoints;

/// <summary>A tenant in the list.</summary>
public sealed record TenantSummary(string Id, string DisplayName, string Status, string? Schedule, bool NeedsAuthorization);

/// <summary>Where reading one kind stands, with its watermark history (newest first).</summary>
public sealed record WatermarkView(
    EntityKind Kind,
    DateTimeOffset? Watermark,
    bool InitialLoadCompleted,
    bool WindowOpen,
    int Skip,
    DateTimeOffset? LastCommittedAt,
    string? LastRunId,
    IReadOnlyList<WatermarkChange> History);

/// <summary>Whether a system has stored tokens (never the tokens themselves).</summary>
public sealed record ConnectionView(ConnectedSystem System, bool Connected, DateTimeOffset? AccessTokenExpiresAt, string? Scope);

/// <summary>A tenant as the operator sees it.</summary>
public sealed record TenantView(
    string Id,
    string Status,
    string? Schedule,
    bool NeedsAuthorization,
    AuthorizationState? Authorization,
    IReadOnlyList<WatermarkView> Watermarks,
    RunRecord? LastRun,
    IReadOnlyList<ConnectionView> Connections,
    int FailedRecords,
    TenantConfig Config);

/// <summary>Body of a watermark reset: the new watermark (null = read everything again) and why.</summary>
public sealed record WatermarkResetRequest(DateTimeOffset? Watermark, string? Reason);

/// <summary>Body of terminate / run-now: an optional reason.</summary>
public sealed record ReasonRequest(string? Reason);

/// <summary>Body of a replay: the records to replay (kind + Acumatica key), or <c>all: true</c> for every failed record.</summary>
public sealed record ReplayRequest(IReadOnlyList<RecordRef>? Records, bool All = false);

/// <summary>A scheduled run: its instance id (= run id) and where to follow it.</summary>
public sealed record RunScheduled(string TenantId, string RunId, string Location);

internal static class TenantStatus
{
    public static string Of(TenantConfig tenant) =>
        tenant.Paused ? "paused" : tenant.Authorization is { NeedsAuthorization: true } ? "needs-authorization" : "active";

    public static TenantSummary Summary(TenantConfig tenant) =>
        new(tenant.Id, tenant.DisplayName, Of(tenant), tenant.Schedule, tenant.Authorization is { NeedsAuthorization: true });
}
