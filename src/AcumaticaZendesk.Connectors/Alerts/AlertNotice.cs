using AcumaticaZendesk.Sync.Alerts;

namespace AcumaticaZendesk.Connectors.Alerts;

/// <summary>One alert as the channels send it.</summary>
/// <param name="ConsoleLink">The tenant's page in the operator console (<c>{PublicBaseUrl}/console/tenants/{id}</c>); null when no public base URL is
/// configured.</param>
public sealed record AlertNotice(
    string TenantId,
    string TenantName,
    AlertKind Kind,
    string Summary,
    string Detail,
    Uri? ConsoleLink,
    DateTimeOffset At)
{
    /// <summary>The kind as it appears in the JSON, the API and the messages (<c>run-failed</c>).</summary>
    public string KindName => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(Kind.ToString());

    /// <summary>The title line: tenant and what happened.</summary>
    public string Title => $"{TenantName}: {Summary}";
}
