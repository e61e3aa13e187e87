namespace AcumaticaZendesk.Acumatica.Auth;

/// <summary>Puts credentials on requests for one tenant and recovers once from a 401.</summary>
internal interface IAcumaticaAuthenticator
{
    /// <summary>
    /// Opens a scope during which requests can be authenticated. Cookie sessions: a lease on the tenant's
    /// one shared session (signed in on first lease, signed out when the last lease ends). OAuth: no-op.
    /// </summary>
    ValueTask<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken);

    /// <summary>Adds the Authorization or Cookie header; returns a stamp identifying the credential used.</summary>
    ValueTask<object> ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>After a 401 for <paramref name="stamp"/>: refresh the token or sign in again (once; concurrent callers share the result).</summary>
    Task RecoverAsync(object stamp, CancellationToken cancellationToken);

    /// <summary>Lets a session pick up renewed cookies.</summary>
    void OnResponse(object stamp, HttpResponseMessage response);
}

internal sealed class NoopAsyncDisposable : IAsyncDisposable
{
    public static NoopAsyncDisposable Instance { get; } = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
