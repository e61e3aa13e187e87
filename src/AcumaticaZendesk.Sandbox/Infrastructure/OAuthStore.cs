namespace AcumaticaZendesk.Sandbox.Infrastructure;

/// <summary>A registered OAuth client. An empty <see cref="RedirectUris"/> accepts any redirect URI.</summary>
public sealed record OAuthClient(string ClientId, string? ClientSecret, IReadOnlyList<string> RedirectUris)
{
    public bool IsPublic => string.IsNullOrEmpty(ClientSecret);
}

/// <summary>An issued access token and who it belongs to.</summary>
internal sealed record AccessGrant(string ClientId, string User, string Scope, DateTimeOffset? ExpiresAt);

internal sealed record AuthCode(
    string ClientId,
    string User,
    string RedirectUri,
    string Scope,
    string? Challenge,
    string? ChallengeMethod,
    DateTimeOffset ExpiresAt);

internal sealed record RefreshGrant(string ClientId, string User, string Scope, DateTimeOffset ExpiresAt);

/// <summary>Outcome of a token request: either tokens or an OAuth error code with a description.</summary>
internal sealed record TokenResult(
    string? AccessToken,
    string? RefreshToken,
    string Scope,
    TimeSpan? ExpiresIn,
    TimeSpan? RefreshExpiresIn,
    string? Error,
    string? ErrorDescription)
{
    public static TokenResult Fail(string error, string description) => new(null, null, "", null, null, error, description);
}

/// <summary>
/// Authorization codes, access tokens and rotating refresh tokens for one simulated identity provider.
/// A used refresh token is invalid afterwards; codes are single-use and expire.
/// </summary>
internal sealed class OAuthStore(TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, OAuthClient> clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, AuthCode> codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccessGrant> access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshGrant> refresh = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> granted = new(StringComparer.Ordinal);

    /// <summary>Tokens issued per grant type (authorization_code, refresh_token, client_credentials, password): which way clients really got in.</summary>
    public IReadOnlyDictionary<string, int> GrantsIssued => new SortedDictionary<string, int>(granted, StringComparer.Ordinal);

    /// <summary>Counts one successful token answer of <paramref name="grantType"/>.</summary>
    public void Granted(string grantType) => granted.AddOrUpdate(grantType, 1, static (_, n) => n + 1);

    /// <summary>Lifetime of access tokens; null issues non-expiring tokens.</summary>
    public TimeSpan? AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Whether a refresh token stays valid after use (false = rotation, the default of both vendors).</summary>
    public bool RefreshTokenReuse { get; set; }

    public void AddClient(OAuthClient client)
    {
        lock (gate)
        {
            clients[client.ClientId] = client;
        }
    }

    public IReadOnlyList<OAuthClient> Clients()
    {
        lock (gate)
        {
            return [.. clients.Values];
        }
    }

    public OAuthClient? FindClient(string? clientId)
    {
        if (clientId is null)
        {
            return null;
        }

        lock (gate)
        {
            return clients.GetValueOrDefault(clientId);
        }
    }

    /// <summary>Checks the client id/secret pair; public clients need no secret.</summary>
    public OAuthClient? Authenticate(string? clientId, string? clientSecret)
    {
        var client = FindClient(clientId);
        if (client is null)
        {
            return null;
        }

        return client.IsPublic || string.Equals(client.ClientSecret, clientSecret, StringComparison.Ordinal) ? client : null;
    }

    public static bool RedirectAllowed(OAuthClient client, string? redirectUri) =>
        !string.IsNullOrEmpty(redirectUri) &&
        (client.RedirectUris.Count == 0 || client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal));

    public string IssueCode(OAuthClient client, string user, string redirectUri, string scope, string? challenge, string? method)
    {
        var code = Tokens.New();
        lock (gate)
        {
            codes[code] = new AuthCode(client.ClientId, user, redirectUri, scope, challenge, method, time.GetUtcNow() + CodeLifetime);
        }

        return code;
    }

    public TokenResult ExchangeCode(OAuthClient client, string? code, string? redirectUri, string? verifier, bool withRefresh)
    {
        AuthCode? grant;
        lock (gate)
        {
            if (code is null || !codes.Remove(code, out grant))
            {
                return TokenResult.Fail("invalid_grant", "The authorization code is invalid, expired or already used.");
            }
        }

        if (grant.ExpiresAt < time.GetUtcNow() || !string.Equals(grant.ClientId, client.ClientId, StringComparison.OrdinalIgnoreCase))
        {
            return TokenResult.Fail("invalid_grant", "The authorization code is invalid, expired or already used.");
        }

        if (!string.Equals(grant.RedirectUri, redirectUri, StringComparison.Ordinal))
        {
            return TokenResult.Fail("invalid_grant", "redirect_uri does not match the one used to obtain the code.");
        }

        if (!Tokens.PkceMatches(grant.Challenge, grant.ChallengeMethod, verifier))
        {
            return TokenResult.Fail("invalid_grant", "PKCE verification failed (code_verifier does not match code_challenge).");
        }

        if (client.IsPublic && string.IsNullOrEmpty(grant.Challenge))
        {
            return TokenResult.Fail("invalid_request", "Public clients must use PKCE.");
        }

        return Issue(client.ClientId, grant.User, grant.Scope, withRefresh);
    }

    public TokenResult Refresh(OAuthClient client, string? refreshToken)
    {
        RefreshGrant? grant;
        lock (gate)
        {
            if (refreshToken is null || !refresh.TryGetValue(refreshToken, out grant))
            {
                return TokenResult.Fail("invalid_grant", "The refresh token is invalid, revoked or already used.");
            }

            if (!RefreshTokenReuse)
            {
                refresh.Remove(refreshToken);
            }
        }

        if (grant.ExpiresAt < time.GetUtcNow() || !string.Equals(grant.ClientId, client.ClientId, StringComparison.OrdinalIgnoreCase))
        {
            return TokenResult.Fail("invalid_grant", "The refresh token is invalid, revoked or already used.");
        }

        return Issue(client.ClientId, grant.User, grant.Scope, withRefresh: true, grant.ExpiresAt);
    }

    public TokenResult Issue(string clientId, string user, string scope, bool withRefresh, DateTimeOffset? refreshExpiresAt = null)
    {
        var now = time.GetUtcNow();
        var token = Tokens.New();
        string? refreshToken = null;
        lock (gate)
        {
            access[token] = new AccessGrant(clientId, user, scope, AccessTokenLifetime is { } life ? now + life : null);
            if (withRefresh)
            {
                refreshToken = Tokens.New();
                refresh[refreshToken] = new RefreshGrant(clientId, user, scope, refreshExpiresAt ?? now + RefreshTokenLifetime);
            }
        }

        return new TokenResult(
            token,
            refreshToken,
            scope,
            AccessTokenLifetime,
            withRefresh ? (refreshExpiresAt ?? now + RefreshTokenLifetime) - now : null,
            null,
            null);
    }

    /// <summary>The grant behind a bearer token, or null when unknown or expired.</summary>
    public AccessGrant? Validate(string token)
    {
        lock (gate)
        {
            if (!access.TryGetValue(token, out var grant))
            {
                return null;
            }

            if (grant.ExpiresAt is { } exp && exp <= time.GetUtcNow())
            {
                access.Remove(token);
                return null;
            }

            return grant;
        }
    }

    /// <summary>Invalidates every refresh token (and optionally every access token).</summary>
    public int RevokeAll(bool accessTokensToo)
    {
        lock (gate)
        {
            var n = refresh.Count;
            refresh.Clear();
            if (accessTokensToo)
            {
                n += access.Count;
                access.Clear();
            }

            return n;
        }
    }

    public OAuthSnapshot Export()
    {
        lock (gate)
        {
            return new OAuthSnapshot([.. clients.Values], new(access, StringComparer.Ordinal), new(refresh, StringComparer.Ordinal));
        }
    }

    public void Import(OAuthSnapshot snapshot)
    {
        lock (gate)
        {
            foreach (var c in snapshot.Clients)
            {
                clients[c.ClientId] = c;
            }

            foreach (var (k, v) in snapshot.Access)
            {
                access[k] = v;
            }

            foreach (var (k, v) in snapshot.Refresh)
            {
                refresh[k] = v;
            }
        }
    }

    /// <summary>Makes every issued access token expire now (simulates the token lifetime passing).</summary>
    public void ExpireAccessTokens()
    {
        lock (gate)
        {
            access.Clear();
        }
    }
}

/// <summary>Saved form of an <see cref="OAuthStore"/> (clients and live grants).</summary>
internal sealed record OAuthSnapshot(
    List<OAuthClient> Clients,
    Dictionary<string, AccessGrant> Access,
    Dictionary<string, RefreshGrant> Refresh);
