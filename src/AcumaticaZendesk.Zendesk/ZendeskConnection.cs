using System.Text.RegularExpressions;

namespace AcumaticaZendesk.Zendesk;

/// <summary>
/// One Zendesk account as the client sees it. The API lives at <c>https://{subdomain}.zendesk.com</c>
/// unless <see cref="BaseUrl"/> is overridden (sandbox, tests), e.g. <c>http://127.0.0.1:5080/zendesk/acme</c>;
/// every request goes to <c>BaseUrl + "/api/v2/…"</c> or <c>BaseUrl + "/oauth/…"</c>.
/// </summary>
public sealed partial record ZendeskConnection
{
    public ZendeskConnection(string subdomain, Uri? baseUrl = null, ZendeskOAuthApp? oAuth = null)
    {
        if (string.IsNullOrWhiteSpace(subdomain) || !SubdomainPattern().IsMatch(subdomain))
        {
            throw new ArgumentException(
                $"'{subdomain}' is not a Zendesk subdomain: use the first label of {{subdomain}}.zendesk.com " +
                "(letters, digits and hyphens, at most 63 characters).",
                nameof(subdomain));
        }

        if (baseUrl is not null && (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp)))
        {
            throw new ArgumentException(
                $"The Zendesk base URL '{baseUrl}' must be an absolute http(s) URL such as https://acme.zendesk.com.",
                nameof(baseUrl));
        }

        Subdomain = subdomain.ToLowerInvariant();
        BaseUrl = new Uri((baseUrl?.GetLeftPart(UriPartial.Path) ?? $"https://{Subdomain}.zendesk.com").TrimEnd('/'));
        OAuth = oAuth;
    }

    /// <summary>The account's subdomain, lower case.</summary>
    public string Subdomain { get; }

    /// <summary>Where <c>/api/v2</c> and <c>/oauth</c> live, without a trailing slash.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The OAuth client used for the authorization-code flow and token refresh; null for static tokens.</summary>
    public ZendeskOAuthApp? OAuth { get; init; }

    /// <summary>Identifies the account for shared per-account state (rate budget, job slots, refresh lock).</summary>
    public string AccountKey => BaseUrl.AbsoluteUri.TrimEnd('/').ToLowerInvariant();

    /// <summary>An absolute URL for <paramref name="pathAndQuery"/> (which starts with '/').</summary>
    public Uri Url(string pathAndQuery) => new(BaseUrl.AbsoluteUri.TrimEnd('/') + pathAndQuery);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,62}\\z")]
    private static partial Regex SubdomainPattern();
}

/// <summary>
/// An OAuth client registered in the Zendesk Admin Center (Apps and integrations → APIs → OAuth clients).
/// <see cref="ClientSecret"/> is null for a public client, which then relies on PKCE alone.
/// </summary>
/// <param name="ClientId">The client's "Identifier".</param>
/// <param name="ClientSecret">The client's secret (confidential clients).</param>
/// <param name="RedirectUri">The redirect URL registered on the client.</param>
/// <param name="Scope">Space-separated scopes, e.g. <c>read write</c>.</param>
public sealed record ZendeskOAuthApp(string ClientId, string? ClientSecret, Uri RedirectUri, string Scope = "read write")
{
    /// <summary>Never prints the secret.</summary>
    public override string ToString() =>
        $"ZendeskOAuthApp {{ ClientId = {ClientId}, ClientSecret = {(ClientSecret is null ? "(none)" : "***")}, RedirectUri = {RedirectUri}, Scope = "
            + $"{Scope} }}";
}
