using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.State;

/// <summary>Every state key the core writes, tenant-scoped; the Dapr state API cannot list keys, so collections keep an index.</summary>
public static class StateKeys
{
    public const string TenantIndex = "tenants:index";

    public static string Tenant(string tenantId) => $"tenant:{tenantId}";

    public static string Tokens(string tenantId, ConnectedSystem system) => $"tokens:{tenantId}:{Lower(system)}";

    public static string Checkpoint(string tenantId, EntityKind kind) => $"sync:{tenantId}:checkpoint:{Lower(kind)}";

    public static string CheckpointHistory(string tenantId, EntityKind kind) => $"sync:{tenantId}:checkpoint-history:{Lower(kind)}";

    public static string PlanCursor(string tenantId, string runId, EntityKind kind) => $"sync:{tenantId}:plan:{runId}:{Lower(kind)}";

    /// <summary>What we last wrote for one Zendesk organization (keyed by external_id, case-folded).</summary>
    public static string OrganizationTarget(string tenantId, string externalId) => $"sync:{tenantId}:org:{externalId.ToUpperInvariant()}";

    /// <summary>Contacts written without their organization because it was not in Zendesk yet (relinked when it lands).</summary>
    public static string PendingOrganizationLinks(string tenantId, string organizationExternalId) =>
        $"sync:{tenantId}:pending-org:{organizationExternalId.ToUpperInvariant()}";

    /// <summary>What we last wrote for one Zendesk user (keyed by external_id, case-folded).</summary>
    public static string UserTarget(string tenantId, string externalId) => $"sync:{tenantId}:user:{externalId.ToUpperInvariant()}";

    public static string RecordHistory(string tenantId, EntityKind kind, string key) => $"audit:{tenantId}:rec:{Lower(kind)}:{key}";

    public static string ZendeskIdIndex(string tenantId, string zendeskType, long zendeskId) => $"audit:{tenantId}:zd:{zendeskType}:{zendeskId}";

    public static string RunPages(string tenantId, string runId) => $"audit:{tenantId}:run:{runId}";

    public static string RunPage(string tenantId, string runId, int page) => $"audit:{tenantId}:run:{runId}:page:{page}";

    public static string FailedQueue(string tenantId) => $"audit:{tenantId}:failed";

    public static string OnboardingReport(string tenantId) => $"audit:{tenantId}:onboarding";

    public static string Run(string tenantId, string runId) => $"runs:{tenantId}:{runId}";

    public static string RunIndex(string tenantId) => $"runs:{tenantId}:index";

    private static string Lower<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}
