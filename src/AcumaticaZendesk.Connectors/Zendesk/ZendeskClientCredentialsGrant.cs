using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Connectors.Zendesk;

/// <summary>
/// The <c>client_credentials</c> grant at <c>{base}/oauth/tokens</c> (confidential OAuth clients only). Used when
/// <see cref="ConnectorOptions.ZendeskClientCredentials"/> is on: a tenant without stored tokens, or whose token
/// (issued without a refresh token) is about to expire, gets a new one without an operator consent. Refused →
/// <see cref="ZendeskOAuthException"/>, which the caller turns into "needs authorization".
/// </summary>
public sealed partial class ZendeskClientCredentialsGrant(
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ILogger<ZendeskClientCredentialsGrant> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<ZendeskTokenSet> RequestAsync(ZendeskConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var app = connection.OAuth;
        if (app?.ClientSecret is not { Length: > 0 })
            throw new ZendeskOAuthException(
                System.Net.HttpStatusCode.Unauthorized,
                "invalid_client",
                "the client_credentials grant needs a confidential OAuth client (client id and secret)");

        var http = httpClientFactory.CreateClient(ZendeskServiceCollectionExtensions.HttpClientName);
        using var response = await http.PostAsJsonAsync(
            connection.Url("/oauth/tokens"),
            new TokenRequest("client_credentials", app.ClientId, app.ClientSecret, app.Scope),
            Json,
            cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        TokenResponse? token = null;
        try
        {
            token = JsonSerializer.Deserialize<TokenResponse>(body, Json);
        }
        catch (JsonException)
        {
            // reported below
        }

        if (!response.IsSuccessStatusCode || token?.AccessToken is not { Length: > 0 })
        {
            LogRefused(logger, connection.Subdomain, (int)response.StatusCode, token?.Error);
            throw new ZendeskOAuthException(response.StatusCode, token?.Error ?? "invalid_response", token?.ErrorDescription);
        }

        LogIssued(logger, connection.Subdomain, token.ExpiresIn);
        var now = timeProvider.GetUtcNow();
        return new ZendeskTokenSet(
            token.AccessToken,
            token.RefreshToken,
            token.ExpiresIn is > 0 ? now.AddSeconds(token.ExpiresIn.Value) : null,
            token.RefreshTokenExpiresIn is > 0 ? now.AddSeconds(token.RefreshTokenExpiresIn.Value) : null,
            token.Scope);
    }

    private sealed record TokenRequest(string GrantType, string ClientId, string ClientSecret, string Scope);

    private sealed record TokenResponse(
        string? AccessToken, string? RefreshToken, long? ExpiresIn, long? RefreshTokenExpiresIn, string? Scope, string? Error, string? ErrorDescription);

    [LoggerMessage(Level = LogLevel.Information, Message = "Zendesk {Subdomain} issued an access token by client_credentials (expires in {ExpiresIn} s)")]
    private static partial void LogIssued(ILogger logger, string subdomain, long? expiresIn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} refused the client_credentials grant ({StatusCode}, {Error})")]
    private static partial void LogRefused(ILogger logger, string subdomain, int statusCode, string? error);
}
