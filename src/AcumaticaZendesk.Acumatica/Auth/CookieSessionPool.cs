using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Acumatica.Auth;

/// <summary>
/// The one legacy cookie session of a tenant (per user). Leases share it: the first lease signs in, the
/// last one to end signs out (always, also after failures and cancellation), so no session is left
/// counting against the licence's API-user limit. Cookies are kept here, never in a handler-wide
/// container, so tenants sharing the pooled handler never see each other's cookies.
/// </summary>
internal sealed partial class CookieSessionPool(
    AcumaticaConnection connection,
    AcumaticaUserCredentials user,
    IHttpClientFactory httpClientFactory,
    TimeSpan logoutTimeout,
    ILogger logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _leases;
    private CookieSession? _session;

    /// <summary>Whether this pool signs in with exactly <paramref name="candidate"/> (a changed password needs a new pool).</summary>
    public bool SignsInAs(AcumaticaUserCredentials candidate) => user == candidate;

    /// <summary>Number of sign-ins performed (diagnostics and tests).</summary>
    public int LoginCount { get; private set; }

    public async ValueTask<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _session ??= await LoginAsync(cancellationToken).ConfigureAwait(false);
            _leases++;
            return new Lease(this);
        }
        finally
        {
            _gate.Release();
        }
    }

    public object Apply(HttpRequestMessage request)
    {
        var session = Volatile.Read(ref _session)
            ?? throw new InvalidOperationException("No Acumatica session is open; call the client inside a session lease.");
        request.Headers.TryAddWithoutValidation("Cookie", session.CookieHeader());
        return session;
    }

    public void OnResponse(object stamp, HttpResponseMessage response)
    {
        if (ReferenceEquals(stamp, Volatile.Read(ref _session)))
            ((CookieSession)stamp).Update(response);
    }

    /// <summary>The session behind <paramref name="stamp"/> was rejected (expired): sign in again unless another caller already did.</summary>
    public async Task RecoverAsync(object stamp, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(stamp, _session) || _leases == 0)
                return;
            LogSessionExpired(logger, connection.Tenant);
            _session = await LoginAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask ReleaseAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (--_leases > 0 || _session is null)
                return;
            var session = _session;
            _session = null;
            await LogoutAsync(session).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<CookieSession> LoginAsync(CancellationToken cancellationToken)
    {
        var body = new LoginRequest(user.UserName, user.Password, connection.Tenant, connection.Branch, connection.Locale);
        using var request = new HttpRequestMessage(HttpMethod.Post, connection.LoginUrl) { Content = JsonContent.Create(body) };
        var http = httpClientFactory.CreateClient(AcumaticaHttp.ClientName);
        using var response = await AcumaticaHttp.SendOrTransientAsync(http, request, writesData: false, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        LogLogin(logger, connection.Tenant, (int)response.StatusCode);

        if (text.Contains("API Login Limit", StringComparison.OrdinalIgnoreCase) || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new AcumaticaLoginLimitException(
                $"Acumatica refused the sign-in for tenant '{connection.Tenant}': API Login Limit reached (the licence's maximum number of " +
                "concurrent API sessions is in use). Retry after other sessions sign out or expire.",
                AcumaticaHttp.RetryAfter(response), response.StatusCode);
        }

        if (response.IsSuccessStatusCode)
        {
            var session = new CookieSession();
            session.Update(response);
            if (session.IsEmpty)
                throw new AcumaticaAuthenticationException(
                    $"Acumatica accepted the sign-in for tenant '{connection.Tenant}' but set no session cookie.",
                    needsReauthorization: false,
                    response.StatusCode);
            LoginCount++;
            return session;
        }

        if ((int)response.StatusCode is >= 400 and < 500)
        {
            throw new AcumaticaAuthenticationException(
                $"Acumatica refused the sign-in of user '{user.UserName}' to tenant '{connection.Tenant}' ({(int)response.StatusCode}: " +
                $"{AcumaticaHttp.ReadHttpErrorMessage(text) ?? "no detail"}); check the user name, password, tenant and branch.",
                needsReauthorization: true, response.StatusCode);
        }

        throw AcumaticaHttp.StatusToTransientOrRequest(response, "Acumatica sign-in", writesData: false);
    }

    private async Task LogoutAsync(CookieSession session)
    {
        // Deliberately not bound to the caller's token: a cancelled run must still release its licence seat.
        using var timeout = new CancellationTokenSource(logoutTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, connection.LogoutUrl);
            request.Headers.TryAddWithoutValidation("Cookie", session.CookieHeader());
            var http = httpClientFactory.CreateClient(AcumaticaHttp.ClientName);
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            LogLogout(logger, connection.Tenant, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or TimeoutException)
        {
            LogLogoutFailed(logger, connection.Tenant, ex.GetType().Name);
        }
    }

    private sealed class Lease(CookieSessionPool pool) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? pool.ReleaseAsync() : ValueTask.CompletedTask;
    }

    private sealed record LoginRequest(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("password")] string Password,
        [property: JsonPropertyName("tenant")] string Tenant,
        [property: JsonPropertyName("branch"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Branch,
        [property: JsonPropertyName("locale"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Locale)
    {
        public override string ToString() => "LoginRequest { *** }";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Acumatica sign-in for tenant {Tenant} answered {StatusCode}")]
    private static partial void LogLogin(ILogger logger, string tenant, int statusCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Acumatica sign-out for tenant {Tenant} answered {StatusCode}")]
    private static partial void LogLogout(ILogger logger, string tenant, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acumatica sign-out for tenant {Tenant} failed ({ErrorType}); the session will expire on the server")]
    private static partial void LogLogoutFailed(ILogger logger, string tenant, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Acumatica session for tenant {Tenant} was rejected; signing in again")]
    private static partial void LogSessionExpired(ILogger logger, string tenant);
}

/// <summary>Cookies of one signed-in session (name → value; attributes are irrelevant for a single origin).</summary>
internal sealed class CookieSession
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
                return _cookies.Count == 0;
        }
    }

    public string CookieHeader()
    {
        lock (_lock)
            return string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}"));
    }

    public void Update(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values))
            return;
        lock (_lock)
        {
            foreach (var header in values)
            {
                var pair = header.Split(';', 2)[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                    continue;
                var name = pair[..eq].Trim();
                var value = pair[(eq + 1)..].Trim();
                var expired = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)
                    || header.Contains("max-age=0", StringComparison.OrdinalIgnoreCase);
                if (expired || value.Length == 0)
                    _cookies.Remove(name);
                else
                    _cookies[name] = value;
            }
        }
    }
}

/// <summary>Adapts the shared pool to <see cref="IAcumaticaAuthenticator"/>.</summary>
internal sealed class CookieSessionAuthenticator(CookieSessionPool pool) : IAcumaticaAuthenticator
{
    public ValueTask<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken) => pool.AcquireAsync(cancellationToken);

    public ValueTask<object> ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken) => ValueTask.FromResult(pool.Apply(request));

    public Task RecoverAsync(object stamp, CancellationToken cancellationToken) => pool.RecoverAsync(stamp, cancellationToken);

    public void OnResponse(object stamp, HttpResponseMessage response) => pool.OnResponse(stamp, response);
}
