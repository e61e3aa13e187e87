namespace AcumaticaZendesk.Zendesk;

/// <summary>
/// The OAuth tokens of one account. <see cref="ExpiresAt"/> null means a non-expiring access token (clients
/// created before 2026-04-30). Persist it encrypted; <see cref="ToString"/> never prints a token.
/// </summary>
public sealed record ZendeskTokenSet(
    string AccessToken,
    string? RefreshToken = null,
    DateTimeOffset? ExpiresAt = null,
    DateTimeOffset? RefreshTokenExpiresAt = null,
    string? Scope = null)
{
    /// <summary>True when the access token expires within <paramref name="margin"/> of <paramref name="now"/>.</summary>
    public bool ExpiresWithin(DateTimeOffset now, TimeSpan margin) => ExpiresAt is { } at && at - margin <= now;

    public bool CanRefresh(DateTimeOffset now) =>
        !string.IsNullOrEmpty(RefreshToken) && (RefreshTokenExpiresAt is null || RefreshTokenExpiresAt > now);

    public override string ToString() =>
        $"ZendeskTokenSet {{ AccessToken = ***, RefreshToken = {(RefreshToken is null ? "(none)" : "***")}, ExpiresAt = {ExpiresAt:O}, RefreshTokenExpiresAt "
            + $"= {RefreshTokenExpiresAt:O}, Scope = {Scope} }}";
}

/// <summary>
/// Where a client gets (and after a refresh, puts back) the tokens of an account. Implemented by the caller,
/// e.g. over the encrypted state store; a client keeps what it read for <see cref="ZendeskClientOptions.TokenCacheTime"/> and reads
/// again before every refresh.
/// </summary>
public interface IZendeskTokenSource
{
    /// <summary>The account's current tokens, or null when it has never been authorized.</summary>
    ValueTask<ZendeskTokenSet?> GetTokensAsync(ZendeskConnection connection, CancellationToken cancellationToken);

    /// <summary>Stores tokens obtained by a refresh (the old refresh token is no longer valid).</summary>
    ValueTask SaveTokensAsync(ZendeskConnection connection, ZendeskTokenSet tokens, CancellationToken cancellationToken);
}

/// <summary>
/// A token source that can issue a new token without a refresh token (e.g. the client_credentials grant): asked
/// when Zendesk rejected a token that cannot be refreshed, before the account is declared "needs authorization".
/// </summary>
public interface IZendeskTokenRenewal
{
    /// <summary>A new token set for the account (already stored), or null when this source cannot issue one.</summary>
    ValueTask<ZendeskTokenSet?> RenewAsync(ZendeskConnection connection, CancellationToken cancellationToken);
}

/// <summary>An in-memory token source (tests, tools, single-tenant use), keyed by account.</summary>
public sealed class InMemoryZendeskTokenSource : IZendeskTokenSource
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ZendeskTokenSet> _tokens = new();

    public ValueTask<ZendeskTokenSet?> GetTokensAsync(ZendeskConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return ValueTask.FromResult(_tokens.TryGetValue(connection.AccountKey, out var t) ? t : null);
    }

    public ValueTask SaveTokensAsync(ZendeskConnection connection, ZendeskTokenSet tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens[connection.AccountKey] = tokens;
        return ValueTask.CompletedTask;
    }
}
