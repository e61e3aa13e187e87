using System.Net;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Acumatica.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace AcumaticaZendesk.Acumatica;

public static class AcumaticaServiceCollectionExtensions
{
    /// <summary>Name of the <see cref="HttpClient"/> all Acumatica calls use (the egress policy is added to it).</summary>
    public const string HttpClientName = AcumaticaHttp.ClientName;

    /// <summary>
    /// Registers <see cref="IAcumaticaClientFactory"/> and <see cref="IAcumaticaOAuthService"/> on a named
    /// <see cref="IHttpClientFactory"/> client with the connector's resilience pipeline, selected per
    /// authority (one instance's outage never opens another's circuit): total timeout, retry of
    /// idempotent requests only (exponential back-off with jitter, honouring <c>Retry-After</c>), circuit
    /// breaker, attempt timeout. Uses the registered <see cref="TimeProvider"/> (or the system clock).
    /// </summary>
    public static IServiceCollection AddAcumaticaClient(this IServiceCollection services, Action<AcumaticaClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<AcumaticaClientOptions>().ValidateOnStart();
        if (!services.Any(d => d.ServiceType == typeof(IAcumaticaClientFactory)))
            optionsBuilder.ValidateDataAnnotations(); // once: a second registration would report each failure twice
        if (configure is not null)
            optionsBuilder.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAcumaticaOAuthService, AcumaticaOAuthService>();
        services.TryAddSingleton<IAcumaticaClientFactory, AcumaticaClientFactory>();

        services.AddHttpClient(AcumaticaHttp.ClientName)
            .ConfigureHttpClient((sp, c) =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.MaxResponseContentBufferSize = sp.GetRequiredService<IOptions<AcumaticaClientOptions>>().Value.MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseCookies = false, // sessions keep their own cookies per tenant
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .AddResilienceHandler("acumatica", static (builder, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<AcumaticaClientOptions>>().Value;

                // The "no entity" 500 (a missing record) is an answer: neither retried nor counted against the circuit.
                ValueTask<bool> IsFailure(Outcome<HttpResponseMessage> outcome, CancellationToken ct) =>
                    AcumaticaHttp.IsFailureAsync(outcome, o.MaxResponseBytes, ct);
                builder.AddTimeout(o.TotalRequestTimeout);
                if (o.MaxRetryAttempts > 0)
                {
                    var retry = new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = o.MaxRetryAttempts,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = o.RetryBaseDelay,
                        ShouldRetryAfterHeader = true,
                        ShouldHandle = args => IsFailure(args.Outcome, args.Context.CancellationToken),
                    };
#pragma warning disable EXTEXP0001 // DisableForUnsafeHttpMethods is experimental: never blind-retry PUT/POST/DELETE (a PUT of an Activity creates a record).
                    retry.DisableForUnsafeHttpMethods();
#pragma warning restore EXTEXP0001
                    builder.AddRetry(retry);
                }

                builder.AddCircuitBreaker(
                    new HttpCircuitBreakerStrategyOptions { ShouldHandle = args => IsFailure(args.Outcome, args.Context.CancellationToken) });
                builder.AddTimeout(o.AttemptTimeout);
            })
            .SelectPipelineByAuthority();
        return services;
    }
}
