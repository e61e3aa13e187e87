using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Zendesk.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Zendesk;

/// <summary>
/// An authorization-code request to hand to an operator: open <see cref="AuthorizeUrl"/>; keep
/// <see cref="State"/> (to check the redirect) and <see cref="CodeVerifier"/> (for the exchange) server-side.
/// </summary>
public sealed record ZendeskAuthorizationRequest(Uri AuthorizeUrl, string State, string CodeVerifier)
{
    public override string ToString() => $"ZendeskAuthorizationRequest {{ AuthorizeUrl = {AuthorizeUrl}, State = ***, CodeVerifier = *** }}";
}

/// <summary>
/// Zendesk OAuth on the account's subdomain: the authorization URL (code flow with PKCE S256 and state),
/// the code exchange and the refresh-token grant at <c>POST /oauth/tokens</c> (JSON).
/// </summary>
public sealed partial class ZendeskOAuthClient(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<ZendeskOAuthClient> logger)
{
    /// <summary>Builds the URL an operator opens to authorize the connector, with a fresh PKCE verifier and state.</summary>
    public static ZendeskAuthorizationRequest CreateAuthorizationRequest(ZendeskConnection connection, string? state = null)
    {
        var app = RequireApp(connection);
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = CodeChallenge(verifier);
        state ??= Base64Url(RandomNumberGenerator.GetBytes(16));
        var query = string.Join('&',
            "response_type=code",
            $"client_id={Uri.EscapeDataString(app.ClientId)}",
            $"redirect_uri={Uri.EscapeDataString(app.RedirectUri.AbsoluteUri)}",
            $"scope={Uri.EscapeDataString(app.Scope)}",
            $"state={Uri.EscapeDataString(state)}",
            $"code_challenge={challenge}",
            "code_challenge_method=S256");
        return new ZendeskAuthorizationRequest(connection.Url("/oauth/authorizations/new?" + query), state, verifier);
    }

    /// <summary>The S256 challenge of a PKCE verifier: base64url(SHA-256(ASCII verifier)).</summary>
    public static string CodeChallenge(string codeVerifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(codeVerifier)));

    /// <summary>Exchanges the code from the redirect (valid 120 s) for tokens.</summary>
    public Task<ZendeskTokenSet> ExchangeCodeAsync(ZendeskConnection connection, string code, string codeVerifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(codeVerifier);
        var app = RequireApp(connection);
        return RequestTokensAsync(connection, Grant(app, "authorization_code") with
        {
            Code = code,
            RedirectUri = app.RedirectUri.AbsoluteUri,
            CodeVerifier = codeVerifier,
        }, cancellationToken);
    }

    /// <summary>Uses a refresh token; the answer carries a new refresh token that replaces the old one.</summary>
    public Task<ZendeskTokenSet> RefreshAsync(ZendeskConnection connection, string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshToken);
        var app = RequireApp(connection);
        return RequestTokensAsync(connection, Grant(app, "refresh_token") with { RefreshToken = refreshToken }, cancellationToken);
    }

    private static TokenRequest Grant(ZendeskOAuthApp app, string grantType) =>
        new() { GrantType = grantType, ClientId = app.ClientId, ClientSecret = app.ClientSecret, Scope = app.Scope };

    private async Task<ZendeskTokenSet> RequestTokensAsync(ZendeskConnection connection, TokenRequest request, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(ZendeskServiceCollectionExtensions.HttpClientName);
        using var message = new HttpRequestMessage(HttpMethod.Post, connection.Url("/oauth/tokens"))
        {
            Content = JsonContent.Create(request, options: ZendeskJson.Options),
        };
        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var (error, description) = ParseError(body);
            LogTokenRequestRefused(logger, connection.Subdomain, request.GrantType, (int)response.StatusCode, error);
            throw new ZendeskOAuthException(response.StatusCode, error, description);
        }

        var token = JsonSerializer.Deserialize<TokenResponse>(body, ZendeskJson.Options)
            ?? throw new ZendeskOAuthException(response.StatusCode, "invalid_response", "empty token response");
        if (string.IsNullOrEmpty(token.AccessToken))
        {
            throw new ZendeskOAuthException(response.StatusCode, "invalid_response", "the token response has no access_token");
        }

        var now = timeProvider.GetUtcNow();
        LogTokensIssued(logger, connection.Subdomain, request.GrantType, token.ExpiresIn);
        return new ZendeskTokenSet(
            token.AccessToken,
            token.RefreshToken ?? (request.GrantType == "refresh_token" ? request.RefreshToken : null),
            token.ExpiresIn is > 0 ? now.AddSeconds(token.ExpiresIn.Value) : null,
            token.RefreshTokenExpiresIn is > 0 ? now.AddSeconds(token.RefreshTokenExpiresIn.Value) : null,
            token.Scope);
    }

    private static (string? Error, string? Description) ParseError(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var e = doc.RootElement.TryGetProperty("error", out var er) ? er.ToString() : null;
                var d = doc.RootElement.TryGetProperty("error_description", out var de) ? de.ToString()
                    : doc.RootElement.TryGetProperty("description", out var ds) ? ds.ToString() : null;
                return (e, d);
            }
        }
        catch (JsonException)
        {
            // not JSON: fall through
        }

        return (null, null);
    }

    private static ZendeskOAuthApp RequireApp(ZendeskConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.OAuth ?? throw new InvalidOperationException(
            $"Zendesk account '{connection.Subdomain}' has no OAuth client configured (ZendeskConnection.OAuth); " +
            "register one in Admin Center → Apps and integrations → APIs → OAuth clients.");
    }

    internal static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static bool IsRejectedGrant(ZendeskOAuthException ex) =>
        ex.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} refused the {GrantType} token request with {Status} ({Error})")]
    private static partial void LogTokenRequestRefused(ILogger logger, string subdomain, string grantType, int status, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Zendesk {Subdomain} issued tokens by {GrantType}, expiring in {ExpiresIn} s")]
    private static partial void LogTokensIssued(ILogger logger, string subdomain, string grantType, long? expiresIn);

    internal sealed record TokenRequest
    {
        public required string GrantType { get; init; }

        public string? Code { get; init; }

        public string? RefreshToken { get; init; }

        public required string ClientId { get; init; }

        public string? ClientSecret { get; init; }

        public string? RedirectUri { get; init; }

        public string? CodeVerifier { get; init; }

        public string? Scope { get; init; }
    }

    private sealed record TokenResponse
    {
        public string? AccessToken { get; init; }

        public string? RefreshToken { get; init; }

        public string? TokenType { get; init; }

        public string? Scope { get; init; }

        [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
        public long? ExpiresIn { get; init; }

        [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
        public long? RefreshTokenExpiresIn { get; init; }
    }
}
