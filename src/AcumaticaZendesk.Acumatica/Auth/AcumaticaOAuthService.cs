using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Acumatica.Auth;

/// <summary>What the caller keeps between sending the user to <see cref="Url"/> and the redirect back.</summary>
/// <param name="Url">The authorize URL to open in the browser.</param>
/// <param name="State">Opaque anti-CSRF value; compare with the <c>state</c> on the redirect.</param>
/// <param name="CodeVerifier">PKCE verifier; pass it to <see cref="IAcumaticaOAuthService.ExchangeCodeAsync"/>. Secret: store server-side only.</param>
public sealed record AcumaticaAuthorizationRequest(Uri Url, string State, string CodeVerifier)
{
    public override string ToString() => $"AcumaticaAuthorizationRequest {{ Url = {Url}, State = ***, CodeVerifier = *** }}";
}

/// <summary>OAuth 2.0 against the instance identity server (<c>/identity/connect/…</c>).</summary>
public interface IAcumaticaOAuthService
{
    /// <summary>Builds the authorize URL for the authorization-code flow with PKCE (S256).</summary>
    AcumaticaAuthorizationRequest CreateAuthorizationRequest(
        AcumaticaConnection connection,
        AcumaticaOAuthClient client,
        Uri redirectUri,
        string? state = null);

    /// <summary>Exchanges the code from the redirect for tokens. The caller saves them in the tenant's token store.</summary>
    Task<AcumaticaTokenSet> ExchangeCodeAsync(
        AcumaticaConnection connection,
        AcumaticaOAuthClient client,
        string code,
        Uri redirectUri,
        string codeVerifier,
        CancellationToken cancellationToken);

    /// <summary>Redeems a refresh token. The response carries a new refresh token: persist it and discard the old one.</summary>
    Task<AcumaticaTokenSet> RefreshAsync(AcumaticaConnection connection, AcumaticaOAuthClient client, string refreshToken, CancellationToken cancellationToken);

    /// <summary>Resource-owner password grant for an integration user.</summary>
    Task<AcumaticaTokenSet> RequestPasswordTokenAsync(
        AcumaticaConnection connection,
        AcumaticaOAuthClient client,
        AcumaticaUserCredentials user,
        CancellationToken cancellationToken);
}

internal sealed partial class AcumaticaOAuthService(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<AcumaticaOAuthService> logger)
    : IAcumaticaOAuthService
{
    public AcumaticaAuthorizationRequest CreateAuthorizationRequest(
        AcumaticaConnection connection,
        AcumaticaOAuthClient client,
        Uri redirectUri,
        string? state = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(redirectUri);
        connection.Validate();
        state ??= RandomToken(16);
        var verifier = RandomToken(32); // 43 characters, within RFC 7636's 43..128
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var query = new (string Key, string Value)[]
        {
            ("response_type", "code"),
            ("client_id", client.ClientId),
            ("redirect_uri", redirectUri.AbsoluteUri),
            ("scope", client.Scope),
            ("state", state),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        };
        var url = new UriBuilder(connection.AuthorizeUrl)
        {
            Query = string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")),
        }.Uri;
        return new AcumaticaAuthorizationRequest(url, state, verifier);
    }

    public Task<AcumaticaTokenSet> ExchangeCodeAsync(
        AcumaticaConnection connection,
        AcumaticaOAuthClient client,
        string code,
        Uri redirectUri,
        string codeVerifier,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentException.ThrowIfNullOrEmpty(codeVerifier);
        return RequestTokenAsync(connection, client, "authorization_code",
            [new("code", code), new("redirect_uri", redirectUri.AbsoluteUri), new("code_verifier", codeVerifier)], cancellationToken);
    }

    public Task<AcumaticaTokenSet> RefreshAsync(
        AcumaticaConnection connection,
        AcumaticaOAuthClient client,
        string refreshToken,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        return RequestTokenAsync(connection, client, "refresh_token", [new("refresh_token", refreshToken)], cancellationToken);
    }

    public Task<AcumaticaTokenSet> RequestPasswordTokenAsync(
        AcumaticaConnection connection,
        AcumaticaOAuthClient client,
        AcumaticaUserCredentials user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return RequestTokenAsync(connection, client, "password",
            [new("username", user.UserName), new("password", user.Password), new("scope", client.Scope)], cancellationToken);
    }

    private async Task<AcumaticaTokenSet> RequestTokenAsync(
        AcumaticaConnection connection,
        AcumaticaOAuthClient client,
        string grantType,
        List<KeyValuePair<string, string>> fields,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(client);
        fields.Insert(0, new("grant_type", grantType));
        fields.Add(new("client_id", client.ClientId));
        if (client.ClientSecret is not null)
            fields.Add(new("client_secret", client.ClientSecret));

        using var request = new HttpRequestMessage(HttpMethod.Post, connection.TokenUrl) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var http = httpClientFactory.CreateClient(AcumaticaHttp.ClientName);
        using var response = await AcumaticaHttp.SendOrTransientAsync(http, request, writesData: false, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        LogTokenResponse(logger, grantType, connection.Tenant, (int)response.StatusCode);

        if (response.IsSuccessStatusCode)
            return ParseTokens(body, grantType);

        var error = TryReadOAuthError(body);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized)
        {
            // invalid_grant: code/refresh token expired, used or revoked, or wrong password; invalid_client: bad client id/secret.
            throw new AcumaticaAuthenticationException(
                $"The Acumatica identity server refused the {grantType} grant for tenant '{connection.Tenant}' ({error ?? "no error code"}); " +
                "the connection must be re-authorized.", needsReauthorization: true, response.StatusCode);
        }

        throw AcumaticaHttp.StatusToTransientOrRequest(response, $"Acumatica token request ({grantType})", writesData: false);
    }

    private AcumaticaTokenSet ParseTokens(string body, string grantType)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var access = root.TryGetProperty("access_token", out var a) ? a.GetString() : null;
            if (string.IsNullOrEmpty(access))
                throw new AcumaticaAuthenticationException(
                    $"The Acumatica token response for the {grantType} grant has no access_token.",
                    needsReauthorization: false);
            var expiresIn = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : 3600;
            var refresh = root.TryGetProperty("refresh_token", out var r) ? r.GetString() : null;
            var scope = root.TryGetProperty("scope", out var s) ? s.GetString() : null;
            return new AcumaticaTokenSet(access, refresh, timeProvider.GetUtcNow().AddSeconds(expiresIn), scope);
        }
        catch (JsonException ex)
        {
            throw new AcumaticaAuthenticationException(
                $"The Acumatica token response for the {grantType} grant is not JSON.",
                needsReauthorization: false,
                inner: ex);
        }
    }

    private static string? TryReadOAuthError(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string RandomToken(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Debug, Message = "Acumatica token endpoint answered {StatusCode} to a {GrantType} grant for tenant {Tenant}")]
    private static partial void LogTokenResponse(ILogger logger, string grantType, string tenant, int statusCode);
}
