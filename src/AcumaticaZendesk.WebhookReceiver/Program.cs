using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.ServiceDefaults;
using AcumaticaZendesk.WebhookReceiver;

return await ServiceHost.RunAsync(args, DaprNames.AppIds.WebhookReceiver,
    builder => builder.AddWebhookReceiver(),
    app => app.MapWebhookReceiver());

/// <summary>Visible to <c>WebApplicationFactory&lt;Program&gt;</c> in tests.</summary>
public partial class Program;
