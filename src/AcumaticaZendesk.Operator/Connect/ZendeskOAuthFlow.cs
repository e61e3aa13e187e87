using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>
/// Zendesk's authorization-code flow with PKCE: <c>{base}/oauth/authorizations/new</c> and <c>{base}/oauth/tokens</c>
/// (JSON body), scope <c>read write</c>. Client id and secret come from the secret store (<see cref="SecretNames"/>).
/// </summary>
internal sealed class ZendeskOAuthFlow(IHttpClientFactory httpClientFactory, ISecretSource secrets, TimeProvider timeProvider) : IOAuthFlow
{
    public const string HttpClientName = "operator-zendesk-oauth";
    public const string Scope = "read write";

    public ConnectedSystem System => ConnectedSystem.Zendesk;

    public async Task<OAuthAuthorization> CreateAuthorizationAsync(TenantConfig tenant, Uri redirectUri, string state, CancellationToken cancellationToken)
    {
        var client = await secrets.GetOAuthClientAsync(tenant.Id, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false);
        var verifier = Pkce.NewVerifier();
        var query = new (string Key, string Value)[]
        {
            ("response_type", "code"),
            ("client_id", client.ClientId),
            ("redirect_uri", redirectUri.AbsoluteUri),
            ("scope", Scope),
            ("state", state),
            ("code_challenge", Pkce.Challenge(verifier)),
            ("code_challenge_method", "S256"),
        };
        var url = new UriBuilder(new Uri(BaseUrl(tenant), "oauth/authorizations/new"))
        {
            Query = string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")),
        }.Uri;
        return new OAuthAuthorization(url, state, verifier);
    }

    public async Task<TokenSet> ExchangeCodeAsync(TenantConfig tenant, string code, Uri redirectUri, string codeVerifier, CancellationToken cancellationToken)
    {
        var client = await secrets.GetOAuthClientAsync(tenant.Id, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false);
        var http = httpClientFactory.CreateClient(HttpClientName);
        var body = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["scope"] = Scope,
            ["code_verifier"] = codeVerifier,
        };
        using var response = await http.PostAsJsonAsync(new Uri(BaseUrl(tenant), "oauth/tokens"), body, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            throw new OAuthExchangeException(ConnectedSystem.Zendesk, $"Zendesk refused the authorization code ({(int)response.StatusCode} {error}); start the connection again.");
        }

        var tokens = await response.Content.ReadFromJsonAsync<ZendeskTokenResponse>(cancellationToken).ConfigureAwait(false);
        if (tokens?.AccessToken is not { Length: > 0 })
        {
            throw new OAuthExchangeException(ConnectedSystem.Zendesk, "Zendesk's token response has no access_token.");
        }

        var now = timeProvider.GetUtcNow();
        return new TokenSet(
            tokens.AccessToken,
            tokens.RefreshToken,
            tokens.ExpiresIn is { } e ? now.AddSeconds(e) : null,
            tokens.RefreshTokenExpiresIn is { } r ? now.AddSeconds(r) : null,
            tokens.Scope);
    }

    private static Uri BaseUrl(TenantConfig tenant) => new(tenant.Zendesk.EffectiveBaseUrl.AbsoluteUri.TrimEnd('/') + "/");

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) ? e.ToString() : "no error code";
        }
        catch (JsonException)
        {
            return "no error code";
        }
    }

    private sealed record ZendeskTokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] long? ExpiresIn,
        [property: JsonPropertyName("refresh_token_expires_in")] long? RefreshTokenExpiresIn,
        [property: JsonPropertyName("scope")] string? Scope);
}

/// <summary>PKCE (RFC 7636, S256) and random state values.</summary>
internal static class Pkce
{
    public static string NewVerifier() => RandomToken(32);

    public static string NewState() => RandomToken(24);

    public static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static string RandomToken(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A system refused the code exchange (wrong/used code, PKCE mismatch, bad client).</summary>
public sealed class OAuthExchangeException(ConnectedSystem system, string message, Exception? inner = null) : Exception(message, inner)
{
    public ConnectedSystem System { get; } = system;
}
