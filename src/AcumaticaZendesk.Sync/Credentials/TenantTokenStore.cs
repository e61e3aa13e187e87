using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Credentials;

/// <summary>Tokens of one tenant for one system, in plain text (never logged: ToString redacts).</summary>
public sealed record TokenSet(
    string AccessToken,
    string? RefreshToken,
    DateTimeOffset? AccessTokenExpiresAt,
    DateTimeOffset? RefreshTokenExpiresAt,
    string? Scope)
{
    public override string ToString() =>
        $"TokenSet {{ AccessToken = ***, RefreshToken = {(RefreshToken is null ? "null" : "***")}, AccessTokenExpiresAt = {AccessTokenExpiresAt:O}, Scope = "
            + $"{Scope} }}";
}

/// <summary>What the state store holds: the tokens encrypted, the rest in clear.</summary>
public sealed record StoredTokens(
    ProtectedValue AccessToken,
    ProtectedValue? RefreshToken,
    DateTimeOffset? AccessTokenExpiresAt,
    DateTimeOffset? RefreshTokenExpiresAt,
    string? Scope,
    DateTimeOffset UpdatedAt);

/// <summary>Encrypted access/refresh tokens per tenant and system (<c>tokens:{tenant}:{system}</c>).</summary>
public sealed class TenantTokenStore(IConnectorStateStore store, TokenProtector protector, TimeProvider timeProvider)
{
    public async Task SaveAsync(string tenantId, ConnectedSystem system, TokenSet tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var stored = new StoredTokens(
            protector.Protect(tokens.AccessToken, Slot(tenantId, system, "access")),
            tokens.RefreshToken is null ? null : protector.Protect(tokens.RefreshToken, Slot(tenantId, system, "refresh")),
            tokens.AccessTokenExpiresAt,
            tokens.RefreshTokenExpiresAt,
            tokens.Scope,
            timeProvider.GetUtcNow());
        await store.SaveAsync(StateKeys.Tokens(tenantId, system), stored, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TokenSet?> GetAsync(string tenantId, ConnectedSystem system, CancellationToken cancellationToken)
    {
        var stored = (await store.GetAsync<StoredTokens>(StateKeys.Tokens(tenantId, system), cancellationToken).ConfigureAwait(false)).Value;
        if (stored is null)
        {
            return null;
        }

        var tokens = new TokenSet(
            protector.Unprotect(stored.AccessToken, Slot(tenantId, system, "access")),
            stored.RefreshToken is null ? null : protector.Unprotect(stored.RefreshToken, Slot(tenantId, system, "refresh")),
            stored.AccessTokenExpiresAt,
            stored.RefreshTokenExpiresAt,
            stored.Scope);

        if (protector.NeedsRotation(stored.AccessToken) || (stored.RefreshToken is not null && protector.NeedsRotation(stored.RefreshToken)))
        {
            await SaveAsync(tenantId, system, tokens, cancellationToken).ConfigureAwait(false);
        }

        return tokens;
    }

    public Task DeleteAsync(string tenantId, ConnectedSystem system, CancellationToken cancellationToken) =>
        store.DeleteAsync(StateKeys.Tokens(tenantId, system), cancellationToken);

    private static string Slot(string tenantId, ConnectedSystem system, string kind) => $"{tenantId}|{system}|{kind}";
}
