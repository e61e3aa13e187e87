using System.Security.Cryptography;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>Zendesk's authorization-code flow with PKCE, over the Zendesk client's <see cref="ZendeskOAuthClient"/>.</summary>
internal sealed class ZendeskOAuthFlow(ZendeskOAuthClient oauth, ISecretSource secrets) : IOAuthFlow
{
    public ConnectedSystem System => ConnectedSystem.Zendesk;

    public async Task<OAuthAuthorization> CreateAuthorizationAsync(TenantConfig tenant, Uri redirectUri, string state, CancellationToken cancellationToken)
    {
        var request = ZendeskOAuthClient.CreateAuthorizationRequest(await TenantZendesk.ConnectionAsync(secrets, tenant, redirectUri, cancellationToken).ConfigureAwait(false), state);
        return new OAuthAuthorization(request.AuthorizeUrl, request.State, request.CodeVerifier);
    }

    public async Task<TokenSet> ExchangeCodeAsync(TenantConfig tenant, string code, Uri redirectUri, string codeVerifier, CancellationToken cancellationToken)
    {
        var connection = await TenantZendesk.ConnectionAsync(secrets, tenant, redirectUri, cancellationToken).ConfigureAwait(false);
        try
        {
            return TenantZendesk.ToTokenSet(await oauth.ExchangeCodeAsync(connection, code, codeVerifier, cancellationToken).ConfigureAwait(false));
        }
        catch (ZendeskOAuthException ex)
        {
            throw new OAuthExchangeException(ConnectedSystem.Zendesk, $"Zendesk refused the authorization code ({ex.Error ?? "no error code"}); start the connection again.", ex);
        }
    }
}

/// <summary>The Zendesk client's connection and token types for a tenant.</summary>
internal static class TenantZendesk
{
    public static async Task<ZendeskConnection> ConnectionAsync(ISecretSource secrets, TenantConfig tenant, Uri redirectUri, CancellationToken cancellationToken)
    {
        var client = await secrets.GetOAuthClientAsync(tenant.Id, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false);
        return new ZendeskConnection(tenant.Zendesk.Subdomain, tenant.Zendesk.BaseUrl is null ? null : new Uri(tenant.Zendesk.BaseUrl),
            new ZendeskOAuthApp(client.ClientId, client.ClientSecret, redirectUri));
    }

    public static TokenSet ToTokenSet(ZendeskTokenSet tokens) =>
        new(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt, tokens.RefreshTokenExpiresAt, tokens.Scope);

    public static ZendeskTokenSet FromTokenSet(TokenSet tokens) =>
        new(tokens.AccessToken, tokens.RefreshToken, tokens.AccessTokenExpiresAt, tokens.RefreshTokenExpiresAt, tokens.Scope);
}

/// <summary>Random OAuth state values.</summary>
internal static class Pkce
{
    public static string NewState() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A system refused the code exchange (wrong/used code, PKCE mismatch, bad client).</summary>
public sealed class OAuthExchangeException(ConnectedSystem system, string message, Exception? inner = null) : Exception(message, inner)
{
    public ConnectedSystem System { get; } = system;
}
