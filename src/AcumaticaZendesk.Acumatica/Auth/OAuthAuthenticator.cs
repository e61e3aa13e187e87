using System.Net.Http.Headers;
using AcumaticaZendesk.Acumatica.Errors;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Acumatica.Auth;

/// <summary>Shared per tenant and OAuth client: the cached token set and the gate that makes refreshes single-flight.</summary>
internal sealed class OAuthTenantState
{
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public AcumaticaTokenSet? Current { get; set; }
}

/// <summary>
/// Bearer tokens from the token store; refreshes shortly before expiry and once after a 401. Rotated
/// refresh tokens are saved immediately (a second use of the old one would be refused).
/// </summary>
internal sealed partial class OAuthAuthenticator(
    AcumaticaConnection connection,
    AcumaticaCredentials credentials,
    IAcumaticaTokenStore store,
    OAuthTenantState state,
    IAcumaticaOAuthService oauth,
    TimeProvider timeProvider,
    TimeSpan refreshSkew,
    ILogger logger) : IAcumaticaAuthenticator
{
    public ValueTask<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IAsyncDisposable>(NoopAsyncDisposable.Instance);

    public async ValueTask<object> ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var tokens = state.Current;
        if (tokens is null || tokens.IsExpired(timeProvider.GetUtcNow(), refreshSkew))
            tokens = await RenewAsync(tokens, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return tokens;
    }

    public async Task RecoverAsync(object stamp, CancellationToken cancellationToken) =>
        await RenewAsync((AcumaticaTokenSet)stamp, cancellationToken, rejected: true).ConfigureAwait(false);

    public void OnResponse(object stamp, HttpResponseMessage response)
    {
    }

    private async Task<AcumaticaTokenSet> RenewAsync(AcumaticaTokenSet? stale, CancellationToken cancellationToken, bool rejected = false)
    {
        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have renewed already, or the worker may have stored new tokens (re-consent).
            var stored = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
            var now = timeProvider.GetUtcNow();
            foreach (var candidate in (AcumaticaTokenSet?[])[state.Current, stored])
            {
                if (candidate is not null
                    && !ReferenceEquals(candidate, stale)
                    && candidate.AccessToken != stale?.AccessToken
                    && !candidate.IsExpired(now, refreshSkew))
                    return state.Current = candidate;
            }

            var latest = stored ?? state.Current;
            var renewed = await ObtainAsync(latest, rejected, cancellationToken).ConfigureAwait(false);
            await store.SaveAsync(renewed, cancellationToken).ConfigureAwait(false);
            return state.Current = renewed;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task<AcumaticaTokenSet> ObtainAsync(AcumaticaTokenSet? latest, bool rejected, CancellationToken cancellationToken)
    {
        var client = credentials.OAuthClient!;
        if (latest?.RefreshToken is { Length: > 0 } refreshToken)
        {
            try
            {
                LogRefreshing(logger, connection.Tenant, rejected);
                return await oauth.RefreshAsync(connection, client, refreshToken, cancellationToken).ConfigureAwait(false);
            }
            catch (AcumaticaAuthenticationException ex) when (connection.AuthMode == AcumaticaAuthMode.OAuthPassword)
            {
                LogRefreshRefused(logger, connection.Tenant, ex.StatusCode is null ? 0 : (int)ex.StatusCode);
            }
        }

        if (connection.AuthMode == AcumaticaAuthMode.OAuthPassword)
            return await oauth.RequestPasswordTokenAsync(connection, client, credentials.User!, cancellationToken).ConfigureAwait(false);

        throw new AcumaticaAuthenticationException(
            latest is null
                ? $"No Acumatica tokens are stored for tenant '{connection.Tenant}'; complete the authorization-code consent first."
                : $"The Acumatica access token for tenant '{connection.Tenant}' was rejected and no refresh token is available; re-authorize the connection.",
            needsReauthorization: true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshing the Acumatica access token for tenant {Tenant} (rejected by the server: {Rejected})")]
    private static partial void LogRefreshing(ILogger logger, string tenant, bool rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acumatica refused the refresh token for tenant {Tenant} ({StatusCode}); signing in again with the "
        + "password grant")]
    private static partial void LogRefreshRefused(ILogger logger, string tenant, int statusCode);
}
