using System.Collections.Concurrent;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Acumatica.Reading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Acumatica;

/// <summary>Creates tenant-bound clients. Register with <see cref="AcumaticaServiceCollectionExtensions.AddAcumaticaClient"/>.</summary>
public interface IAcumaticaClientFactory
{
    /// <summary>
    /// A client for one tenant. <paramref name="tokenStore"/> is required for the authorization-code mode
    /// (it holds the consented tokens) and optional for the password grant (in-memory when null).
    /// Clients are cheap; cookie sessions and token refreshes are shared per tenant behind them.
    /// </summary>
    IAcumaticaClient Create(AcumaticaConnection connection, AcumaticaCredentials credentials, IAcumaticaTokenStore? tokenStore = null);
}

internal sealed class AcumaticaClientFactory(
    IHttpClientFactory httpClientFactory,
    IAcumaticaOAuthService oauth,
    IOptions<AcumaticaClientOptions> options,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IAcumaticaClientFactory
{
    private readonly AcumaticaClientOptions _options = options.Value; // validates at first resolve
    private readonly ConcurrentDictionary<string, CookieSessionPool> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OAuthTenantState> _oauthStates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InMemoryAcumaticaTokenStore> _passwordStores = new(StringComparer.Ordinal);

    public IAcumaticaClient Create(AcumaticaConnection connection, AcumaticaCredentials credentials, IAcumaticaTokenStore? tokenStore = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(credentials);
        connection.Validate();
        credentials.ValidateFor(connection.AuthMode, tokenStore);
        var o = _options;
        var logger = loggerFactory.CreateLogger<AcumaticaClient>();

        IAcumaticaAuthenticator authenticator;
        if (connection.AuthMode == AcumaticaAuthMode.CookieSession)
        {
            var user = credentials.User!;
            // A pool signs in with the credentials it was made with: changed ones (a rotated password, or another
            // tenant naming the same user with a password of its own) get a new pool and never share a signed-in
            // session. Leases of the old pool end as they would and sign it out.
            var pool = _sessions.AddOrUpdate(
                $"{connection.TenantKey}|{user.UserName.ToUpperInvariant()}",
                _ => new CookieSessionPool(connection, user, httpClientFactory, o.LogoutTimeout, logger),
                (_, existing) => existing.SignsInAs(user) ? existing : new CookieSessionPool(connection, user, httpClientFactory, o.LogoutTimeout, logger));
            authenticator = new CookieSessionAuthenticator(pool);
        }
        else
        {
            var client = credentials.OAuthClient!;
            var key = $"{connection.TenantKey}|{client.ClientId}|{connection.AuthMode}|{credentials.User?.UserName.ToUpperInvariant()}";
            var store = tokenStore ?? _passwordStores.GetOrAdd(key, _ => new InMemoryAcumaticaTokenStore());
            var state = _oauthStates.GetOrAdd(key, _ => new OAuthTenantState());
            authenticator = new OAuthAuthenticator(connection, credentials, store, state, oauth, timeProvider, o.TokenRefreshSkew, logger);
        }

        return new AcumaticaClient(connection, authenticator, httpClientFactory, new AcumaticaRecordLimits(o.MaxRecordBytes, o.MaxRecordFields), logger);
    }
}
