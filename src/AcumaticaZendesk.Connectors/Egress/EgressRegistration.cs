using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Connectors.Egress;

public static class EgressRegistration
{
    /// <summary>
    /// Registers <see cref="EgressPolicy"/> (options from section <c>Egress</c>, validated at start) and puts it on
    /// the HttpClients that reach a tenant's systems (the Acumatica and the Zendesk client's, the alert webhook's): connect-time address
    /// check, URL check per request, no automatic redirects, no proxy (a proxy would hide the destination from the
    /// address check). Idempotent: the worker's connectors and operator API both call it.
    /// </summary>
    public static IServiceCollection AddEgressPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(EgressPolicy)))
            return services;

        services.AddOptions<EgressOptions>().Bind(configuration.GetSection(EgressOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EgressPolicy>();
        services.AddHttpClient(AcumaticaServiceCollectionExtensions.HttpClientName).UseEgressPolicy(zendesk: false);
        services.AddHttpClient(ZendeskServiceCollectionExtensions.HttpClientName).UseEgressPolicy(zendesk: true);
        services.AddHttpClient(Alerts.WebhookAlertSender.HttpClientName, c => c.MaxResponseContentBufferSize = Alerts.WebhookAlertSender.MaxResponseBytes)
            .UseEgressPolicy(zendesk: false);
        return services;
    }

    private static IHttpClientBuilder UseEgressPolicy(this IHttpClientBuilder builder, bool zendesk) => builder
        .UseSocketsHttpHandler((handler, sp) =>
        {
            handler.ConnectCallback = sp.GetRequiredService<EgressPolicy>().ConnectAsync;
            handler.AllowAutoRedirect = false;
            handler.UseProxy = false;
        })
        .AddHttpMessageHandler(sp => new EgressUrlHandler(sp.GetRequiredService<EgressPolicy>(), zendesk));
}

/// <summary>Refuses a request whose URL breaks the scheme/host rules of <see cref="EgressPolicy"/> before it is sent.</summary>
internal sealed class EgressUrlHandler(EgressPolicy policy, bool zendesk) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri ?? throw new InvalidOperationException("The request has no URL.");
        return (zendesk ? policy.CheckZendesk(url) : policy.CheckUrl(url)) is { } reason
            ? Task.FromException<HttpResponseMessage>(new EgressRefusedException(url.IdnHost, reason))
            : base.SendAsync(request, cancellationToken);
    }
}
