using System.Text.Json.Serialization;
using AcumaticaZendesk.Sync.Json;

namespace AcumaticaZendesk.Sync.Alerts;

/// <summary>What an alert is about; one open alert per kind and tenant.</summary>
[JsonConverter(typeof(KebabEnumConverter<AlertKind>))]
public enum AlertKind
{
    RunFailed,
    ConsecutiveFailures,
    NeedsAuthorization,
    ReplayQueue,
    TicketFlowLag,
}

/// <summary>A condition that holds for a tenant now: its kind, one line for titles and the words that explain it.</summary>
public sealed record AlertCondition(AlertKind Kind, string Summary, string Detail);
