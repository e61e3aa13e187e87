using AcumaticaZendesk.Zendesk.Http;
using AcumaticaZendesk.Zendesk.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Zendesk;

public static class ZendeskServiceCollectionExtensions
{
    /// <summary>Name of the <see cref="HttpClient"/> all Zendesk calls use (add handlers to it if needed).</summary>
    public const string HttpClientName = "AcumaticaZendesk.Zendesk";

    /// <summary>
    /// Registers <see cref="IZendeskClientFactory"/>, <see cref="ZendeskOAuthClient"/>,
    /// <see cref="ZendeskWebhookVerifier"/> and <see cref="ZendeskClientMetrics"/>, with options from the
    /// <c>Zendesk</c> section when an <c>IConfiguration</c> is registered (validated at start). Retries and rate limits are handled by the client itself, so
    /// the named HttpClient carries no resilience handler (do not add one: retries would multiply).
    /// </summary>
    public static IServiceCollection AddZendeskClient(this IServiceCollection services, Action<ZendeskClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ZendeskClientOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(ZendeskClientOptions.SectionName).Bind(o))
            .ValidateOnStart();
        var first = !services.Any(d => d.ServiceType == typeof(ZendeskClientMetrics));
        if (first)
        {
            options.ValidateDataAnnotations(); // once: a second registration would report each failure twice
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        var webhooks = services.AddOptions<ZendeskWebhookOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(ZendeskWebhookOptions.SectionName).Bind(o))
            .ValidateOnStart();
        if (first)
        {
            webhooks.ValidateDataAnnotations();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient((sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<ZendeskClientOptions>>().Value;
                http.Timeout = o.RequestTimeout;
                http.MaxResponseContentBufferSize = o.MaxResponseBytes;
            });
        services.TryAddSingleton<ZendeskClientMetrics>();
        services.TryAddSingleton<ZendeskAccountStates>();
        services.TryAddSingleton<ZendeskOAuthClient>();
        services.TryAddSingleton<ZendeskWebhookVerifier>();
        services.TryAddSingleton<IZendeskClientFactory, ZendeskClientFactory>();
        return services;
    }
}
