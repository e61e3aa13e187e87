using Serilog.Core;
using Serilog.Events;

namespace AcumaticaZendesk.ServiceDefaults;

/// <summary>
/// Drops credential-bearing header properties from every log event. .NET's HTTP client logging (Trace level) redacts
/// header values in its message text but still attaches them as structured properties (<c>Authorization</c>,
/// <c>Cookie</c>, …), which Serilog would otherwise write out; the value is replaced by <c>***</c>.
/// </summary>
public sealed class SensitiveHeaderScrubber : ILogEventEnricher
{
    private static readonly string[] Names =
    [
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-Zendesk-Webhook-Signature",
    ];

    private static readonly ScalarValue Redacted = new("***");

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        foreach (var name in Names)
        {
            foreach (var key in logEvent.Properties.Keys.Where(k => k.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(key, Redacted));
            }
        }
    }
}
