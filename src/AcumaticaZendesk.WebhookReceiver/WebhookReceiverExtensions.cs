namespace AcumaticaZendesk.WebhookReceiver;

/// <summary>Registrations and endpoints of the webhook receiver (Dapr app id <c>webhook-receiver</c>).</summary>
public static class WebhookReceiverExtensions
{
    public static WebApplicationBuilder AddWebhookReceiver(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }

    public static WebApplication MapWebhookReceiver(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
