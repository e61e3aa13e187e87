namespace AcumaticaZendesk.Acumatica.Auth;

/// <summary>Tokens issued by the instance identity server. Refresh tokens rotate: always persist the newest.</summary>
public sealed record AcumaticaTokenSet(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt, string? Scope)
{
    /// <summary>True when the access token expires within <paramref name="skew"/> of <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now, TimeSpan skew) => now + skew >= ExpiresAt;

    public override string ToString() =>
        $"AcumaticaTokenSet {{ AccessToken = ***, RefreshToken = {(RefreshToken is null ? "none" : "***")}, ExpiresAt = {ExpiresAt:O}, Scope = {Scope} }}";
}

/// <summary>
/// Caller-supplied persistence for one tenant's tokens (the worker encrypts them at rest). The client
/// reads the set before use and saves every new set, including each rotated refresh token.
/// </summary>
public interface IAcumaticaTokenStore
{
    Task<AcumaticaTokenSet?> LoadAsync(CancellationToken cancellationToken);

    Task SaveAsync(AcumaticaTokenSet tokens, CancellationToken cancellationToken);
}

/// <summary>A process-local token store (password grant without persistence, tests).</summary>
public sealed class InMemoryAcumaticaTokenStore(AcumaticaTokenSet? initial = null) : IAcumaticaTokenStore
{
    private AcumaticaTokenSet? _tokens = initial;

    public Task<AcumaticaTokenSet?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Volatile.Read(ref _tokens));

    public Task SaveAsync(AcumaticaTokenSet tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        Volatile.Write(ref _tokens, tokens);
        return Task.CompletedTask;
    }
}
