using AcumaticaZendesk.Zendesk.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Zendesk.Auth;

/// <summary>
/// Hands out a valid access token for one account: refreshes it shortly before it expires, and once more when
/// Zendesk rejects it; when no refresh is possible, throws <see cref="ZendeskReauthorizationRequiredException"/>.
/// Refreshes of one account are serialized across clients (refresh tokens rotate). The tokens read from the source are
/// kept for <paramref name="cacheTime"/> (a state-store round trip and a decryption per request otherwise); a refresh
/// always reads the source again, so a token another replica or an operator replaced is picked up at the first 401.
/// </summary>
internal sealed partial class ZendeskAccessTokenProvider(
    ZendeskConnection connection,
    IZendeskTokenSource tokenSource,
    ZendeskOAuthClient oauth,
    ZendeskAccountState account,
    TimeProvider timeProvider,
    TimeSpan refreshMargin,
    TimeSpan cacheTime,
    ILogger logger)
{
    private volatile CachedTokens? _cached;

    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var tokens = Cached() ?? await LoadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw Reauthorize("the account has never been authorized");
        if (!tokens.ExpiresWithin(timeProvider.GetUtcNow(), refreshMargin))
        {
            return tokens.AccessToken;
        }

        return (await RefreshAsync(tokens.AccessToken, "the access token expires", cancellationToken).ConfigureAwait(false)).AccessToken;
    }

    /// <summary>Called after a 401 with <paramref name="rejectedAccessToken"/>: refreshes, or throws.</summary>
    public async Task<string> RefreshAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken) =>
        (await RefreshAsync(rejectedAccessToken, "the access token was rejected", cancellationToken).ConfigureAwait(false)).AccessToken;

    public ZendeskReauthorizationRequiredException Reauthorize(string reason) =>
        new(connection.Subdomain, connection.OAuth is null ? null : ZendeskOAuthClient.CreateAuthorizationRequest(connection), reason);

    private async Task<ZendeskTokenSet> RefreshAsync(string staleAccessToken, string why, CancellationToken cancellationToken)
    {
        await account.RefreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await LoadAsync(cancellationToken).ConfigureAwait(false)
                ?? throw Reauthorize("the account has never been authorized");
            var now = timeProvider.GetUtcNow();
            if (current.AccessToken != staleAccessToken && !current.ExpiresWithin(now, refreshMargin))
            {
                return current; // another caller refreshed while we waited
            }

            if (connection.OAuth is null || !current.CanRefresh(now))
            {
                if (tokenSource is IZendeskTokenRenewal renewal
                    && await renewal.RenewAsync(connection, cancellationToken).ConfigureAwait(false) is { } renewed)
                {
                    LogRefreshed(logger, connection.Subdomain, why);
                    Keep(renewed);
                    return renewed;
                }

                LogCannotRefresh(logger, connection.Subdomain, why);
                throw Reauthorize($"{why} and there is no usable refresh token");
            }

            ZendeskTokenSet refreshed;
            try
            {
                refreshed = await oauth.RefreshAsync(connection, current.RefreshToken!, cancellationToken).ConfigureAwait(false);
            }
            catch (ZendeskOAuthException ex) when (ZendeskOAuthClient.IsRejectedGrant(ex))
            {
                LogRefreshRejected(logger, connection.Subdomain, ex.Error);
                throw Reauthorize($"{why} and the refresh token was rejected ({ex.Error ?? ex.StatusCode.ToString()})");
            }

            await tokenSource.SaveTokensAsync(connection, refreshed, cancellationToken).ConfigureAwait(false);
            Keep(refreshed);
            LogRefreshed(logger, connection.Subdomain, why);
            return refreshed;
        }
        finally
        {
            account.RefreshLock.Release();
        }
    }

    /// <summary>The tokens read less than <c>cacheTime</c> ago, or null.</summary>
    private ZendeskTokenSet? Cached() =>
        _cached is { } cached && timeProvider.GetUtcNow() - cached.ReadAt < cacheTime ? cached.Tokens : null;

    /// <summary>Reads the source (never the cache) and keeps what it holds.</summary>
    private async Task<ZendeskTokenSet?> LoadAsync(CancellationToken cancellationToken)
    {
        var tokens = await tokenSource.GetTokensAsync(connection, cancellationToken).ConfigureAwait(false);
        Keep(tokens);
        return tokens;
    }

    private void Keep(ZendeskTokenSet? tokens) =>
        _cached = tokens is null || cacheTime <= TimeSpan.Zero ? null : new CachedTokens(tokens, timeProvider.GetUtcNow());

    private sealed record CachedTokens(ZendeskTokenSet Tokens, DateTimeOffset ReadAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed the Zendesk access token of {Subdomain} because {Reason}")]
    private static partial void LogRefreshed(ILogger logger, string subdomain, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} needs re-authorization: {Reason} and no refresh is possible")]
    private static partial void LogCannotRefresh(ILogger logger, string subdomain, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} rejected the refresh token ({Error}); re-authorization required")]
    private static partial void LogRefreshRejected(ILogger logger, string subdomain, string? error);
}
