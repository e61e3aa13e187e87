using AcumaticaZendesk.Zendesk.Auth;
using AcumaticaZendesk.Zendesk.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Zendesk;

/// <summary>Creates a <see cref="ZendeskClient"/> per account (cheap; create one per unit of work).</summary>
public interface IZendeskClientFactory
{
    /// <summary>A client for <paramref name="connection"/> whose tokens come from <paramref name="tokenSource"/>.</summary>
    ZendeskClient Create(ZendeskConnection connection, IZendeskTokenSource tokenSource);
}

internal sealed class ZendeskClientFactory(
    IHttpClientFactory httpClientFactory,
    IOptions<ZendeskClientOptions> options,
    ZendeskAccountStates accounts,
    ZendeskClientMetrics metrics,
    ZendeskOAuthClient oauth,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IZendeskClientFactory
{
    public ZendeskClient Create(ZendeskConnection connection, IZendeskTokenSource tokenSource)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(tokenSource);
        var o = options.Value;
        var account = accounts.For(connection);
        var logger = loggerFactory.CreateLogger<ZendeskClient>();
        var tokens = new ZendeskAccessTokenProvider(connection, tokenSource, oauth, account, timeProvider, o.TokenRefreshMargin, o.TokenCacheTime, logger);
        var api = new ZendeskApiConnection(
            connection,
            httpClientFactory.CreateClient(ZendeskServiceCollectionExtensions.HttpClientName),
            tokens,
            account,
            metrics,
            o,
            timeProvider,
            logger);
        return new ZendeskClient(api);
    }
}
