using System.Net;

namespace AcumaticaZendesk.Zendesk;

/// <summary>Zendesk answered with an error the client does not turn into a per-record result.</summary>
public class ZendeskApiException : Exception
{
    public ZendeskApiException(string endpoint, HttpStatusCode statusCode, ZendeskRecordError? error, string message)
        : base(message)
    {
        Endpoint = endpoint;
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>The logical operation, e.g. <c>organizations.create_many</c>.</summary>
    public string Endpoint { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The parsed error body, when there was one.</summary>
    public ZendeskRecordError? Error { get; }
}

/// <summary>Still refused with 429 after every allowed attempt.</summary>
public sealed class ZendeskRateLimitedException(string endpoint, TimeSpan retryAfter)
    : ZendeskApiException(
        endpoint,
        HttpStatusCode.TooManyRequests,
        null,
        $"Zendesk kept answering 429 Too Many Requests for {endpoint}; retry after {retryAfter.TotalSeconds:0} s.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// The account's access token was rejected and cannot be refreshed: an operator must open
/// <see cref="AuthorizeUrl"/> and approve the connector again. The <see cref="Authorization"/> request
/// carries the PKCE verifier and state to keep (never log them) for the code exchange.
/// </summary>
public sealed class ZendeskReauthorizationRequiredException : Exception
{
    public ZendeskReauthorizationRequiredException(string subdomain, ZendeskAuthorizationRequest? authorization, string reason)
        : base(BuildMessage(subdomain, authorization, reason))
    {
        Subdomain = subdomain;
        Authorization = authorization;
        Reason = reason;
    }

    public string Subdomain { get; }

    /// <summary>The URL an operator must open; null when no OAuth client is configured for the account.</summary>
    public Uri? AuthorizeUrl => Authorization?.AuthorizeUrl;

    public ZendeskAuthorizationRequest? Authorization { get; }

    public string Reason { get; }

    private static string BuildMessage(string subdomain, ZendeskAuthorizationRequest? authorization, string reason) =>
        authorization is null
            ? $"Zendesk account '{subdomain}' needs authorization ({reason}) and no OAuth client is configured for it; configure one and authorize the "
                + "connector."
            : $"Zendesk account '{subdomain}' needs authorization ({reason}); an operator must open {authorization.AuthorizeUrl.AbsoluteUri} and approve the "
                + "connector.";
}

/// <summary>The OAuth token endpoint refused a code exchange or refresh.</summary>
public sealed class ZendeskOAuthException(HttpStatusCode statusCode, string? error, string? description)
    : Exception($"Zendesk /oauth/tokens answered {(int)statusCode}: {error ?? "error"}{(description is null ? "" : $" ({description})")}.")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>The OAuth error code, e.g. <c>invalid_grant</c>.</summary>
    public string? Error { get; } = error;

    public string? Description { get; } = description;
}

/// <summary>
/// Zendesk answered with a body the client refuses: not JSON, not the expected shape (e.g. a non-numeric id), or over
/// <c>Zendesk:MaxResponseBytes</c>. Reads are sent again a few times first (a proxy's error page is usually transient);
/// nothing is guessed from such an answer.
/// </summary>
public sealed class ZendeskBadResponseException(string endpoint, string problem, bool tooLarge = false, Exception? inner = null)
    : InvalidOperationException($"Zendesk answered {endpoint} with {problem}; the answer was refused.", inner)
{
    /// <summary>The logical operation, e.g. <c>organizations.show_many</c>.</summary>
    public string Endpoint { get; } = endpoint;

    /// <summary>True when the body was over <c>Zendesk:MaxResponseBytes</c> (not retried).</summary>
    public bool TooLarge { get; } = tooLarge;
}
