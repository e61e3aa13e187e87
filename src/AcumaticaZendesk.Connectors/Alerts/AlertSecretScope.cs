using AcumaticaZendesk.Sync.Alerts;

namespace AcumaticaZendesk.Connectors.Alerts;

/// <summary>
/// The senders read only the tenant's own alert secrets (<see cref="AlertSettingsValidator.SecretPrefix"/>), also for
/// settings stored before validation required it: any other secret is never read, so it never reaches an alert channel.
/// </summary>
internal static class AlertSecretScope
{
    public static AlertAttempt? Refusal(string secretName, string tenantId)
    {
        var prefix = AlertSettingsValidator.SecretPrefix(tenantId);
        return secretName.StartsWith(prefix, StringComparison.Ordinal) && secretName.Length > prefix.Length
            ? null
            : AlertAttempt.Permanent($"secret '{secretName}' is not one of the tenant's alert secrets ('{prefix}…'); it is not read");
    }
}
