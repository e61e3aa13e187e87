using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Connectors.Egress;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>
/// What a check says about a failed call to a tenant's system: our own refusal verbatim, otherwise only the HTTP
/// status or the kind of failure. Never the upstream body or the socket error, so <c>check</c> neither relays a
/// hostile server's text nor tells a closed port from a missing host (no port scanner).
/// </summary>
internal static class UpstreamFailure
{
    public static string Describe(Exception exception) => Refusal(exception)?.Message ?? exception switch
    {
        AcumaticaVersionMismatchException => "the configured endpoint is not offered.",
        AcumaticaException { StatusCode: { } status } => $"it answered HTTP {(int)status}.",
        HttpRequestException { StatusCode: { } status } => $"it answered HTTP {(int)status}.",
        ZendeskRateLimitedException limited => $"it answered HTTP 429 (rate limited; retry after {limited.RetryAfter.TotalSeconds:0} s).",
        ZendeskApiException api => $"it answered HTTP {(int)api.StatusCode}.",
        ZendeskBadResponseException bad => $"the answer is not what the API returns ({bad.Message}).",
        HttpRequestException => "no HTTP answer (the connection failed or was refused, or the name does not resolve).",
        global::System.Text.Json.JsonException => "the answer is not the JSON the API returns.",
        _ => "the call failed.",
    };

    /// <summary>The egress refusal behind <paramref name="exception"/> (the handler wraps a connect-time one), or null.</summary>
    public static EgressRefusedException? Refusal(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is EgressRefusedException refused)
                return refused;
        }

        return null;
    }
}
