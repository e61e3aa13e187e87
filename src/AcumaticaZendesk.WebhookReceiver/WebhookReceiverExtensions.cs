using AcumaticaZendesk.Sync.Ports;
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
        services.TryAddSingleton<ISecretSource, DaprSecretSource>();
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
