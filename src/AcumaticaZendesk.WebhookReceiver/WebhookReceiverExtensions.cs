using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.WebhookReceiver.Webhooks;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.WebhookReceiver;

/// <summary>Registrations and endpoints of the webhook receiver (Dapr app id <c>webhook-receiver</c>).</summary>
public static class WebhookReceiverExtensions
{
    public static WebApplicationBuilder AddWebhookReceiver(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WebhookReceiverOptions>()
            .BindConfiguration(WebhookReceiverOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The Zendesk client registrations are cheap; the receiver uses only the webhook verifier (Zendesk:Webhooks options).
        services.AddZendeskClient();
        services.TryAddSingleton(TimeProvider.System);
        // The worker's secret store reader (section Connectors:Secrets: store name, separator, deadline). It caches
        // nothing here: WebhookSecretCache keeps a tenant's secrets for WebhookReceiver:SecretCacheDuration.
        services.AddDaprSecretSource(builder.Configuration);
        services.PostConfigure<DaprSecretSourceOptions>(o => (o.CacheDuration, o.MissingCacheDuration) = (TimeSpan.Zero, TimeSpan.Zero));
        services.TryAddSingleton<SeenEventStore>();
        services.TryAddSingleton<WebhookSecretCache>();
        services.AddWebhookRateLimits();
        return builder;
    }

    public static WebApplication MapWebhookReceiver(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRateLimiter();
        app.MapZendeskWebhook();
        app.MapAcumaticaPush();
        return app;
    }
}
