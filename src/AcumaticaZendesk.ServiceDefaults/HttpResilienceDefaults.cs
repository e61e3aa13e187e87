using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace AcumaticaZendesk.ServiceDefaults;

/// <summary>
/// The HTTP resilience defaults for the connector's outbound clients: the standard pipeline
/// (rate limiter, total timeout, retry with exponential back-off and jitter honouring
/// <c>Retry-After</c>, circuit breaker, attempt timeout), keyed per authority so one tenant's
/// outage never opens another tenant's breaker, and never a blind retry of a non-idempotent call.
/// </summary>
public static class HttpResilienceDefaults
{
    public static IHttpStandardResiliencePipelineBuilder AddConnectorResilience(
        this IHttpClientBuilder builder,
        Action<HttpStandardResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var pipeline = builder.AddStandardResilienceHandler(o =>
        {
            o.Retry.MaxRetryAttempts = 4;
            o.Retry.UseJitter = true;
            o.Retry.ShouldRetryAfterHeader = true;
            // Acumatica delays requests instead of rejecting them under load: allow long attempts.
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(100);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(5);
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(240);
            configure?.Invoke(o);
        });
        pipeline.SelectPipelineByAuthority();
#pragma warning disable EXTEXP0001 // DisableForUnsafeHttpMethods is marked experimental
        pipeline.Configure(o => o.Retry.DisableForUnsafeHttpMethods());
#pragma warning restore EXTEXP0001
        return pipeline;
    }
}
