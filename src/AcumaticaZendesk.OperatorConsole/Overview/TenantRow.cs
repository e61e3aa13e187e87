using AcumaticaZendesk.Sync.Audit;

namespace AcumaticaZendesk.OperatorConsole.Overview;

/// <summary>How much a tenant needs a person, most urgent first (the list's default order).</summary>
public enum TenantHealth
{
    NeedsAuthorization,
    Failing,
    RecordsWaiting,
    Paused,
    Healthy,
}

/// <summary>One line of "all tenants at a glance".</summary>
public sealed record TenantRow(
    string Id,
    string DisplayName,
    string Status,
    TenantHealth Health,
    RunRecord? LastRun,
    DateTimeOffset? NextRunAt,
    bool NeedsAuthorization,
    bool Paused,
    int ReplayQueue,
    string? Problem);
