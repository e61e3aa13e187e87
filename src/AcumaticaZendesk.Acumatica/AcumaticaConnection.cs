using System.Text.RegularExpressions;

namespace AcumaticaZendesk.Acumatica;

/// <summary>How the client signs in to one Acumatica tenant.</summary>
public enum AcumaticaAuthMode
{
    /// <summary>OAuth 2.0 authorization code (+ PKCE); tokens come from the caller's <see cref="IAcumaticaTokenStore"/> and are refreshed with
    /// rotation.</summary>
    OAuthAuthorizationCode,

    /// <summary>OAuth 2.0 resource-owner password grant for an integration user (no browser involved).</summary>
    OAuthPassword,

    /// <summary>Legacy cookie session (<c>/entity/auth/login</c> … <c>/entity/auth/logout</c>), always logged out.</summary>
    CookieSession,
}

/// <summary>
/// Everything that identifies one Acumatica tenant's contract-based endpoint. Passed per client, never a
/// static base address, so one process serves any number of instances and tenants.
/// </summary>
/// <param name="InstanceUrl">Site URL, with the instance path segment when the site is not at the web root
/// (e.g. <c>https://erp.example.com/AcumaticaERP</c>).</param>
/// <param name="EndpointName">Web-service endpoint name, normally <c>Default</c>.</param>
/// <param name="EndpointVersion">Exact endpoint version, e.g. <c>24.200.001</c>. Every entity URL carries it.</param>
/// <param name="Tenant">Tenant (company) login name.</param>
/// <param name="AuthMode">How to sign in.</param>
/// <param name="Branch">Optional branch for cookie sign-in.</param>
/// <param name="Locale">Optional locale for cookie sign-in (e.g. <c>EN-US</c>).</param>
public sealed partial record AcumaticaConnection(
    Uri InstanceUrl,
    string EndpointName,
    string EndpointVersion,
    string Tenant,
    AcumaticaAuthMode AuthMode,
    string? Branch = null,
    string? Locale = null)
{
    /// <summary>The endpoint version the connector's models are written against.</summary>
    public const string DefaultEndpointName = "Default";

    /// <summary>The endpoint version the connector's models and contract tests are written against.</summary>
    public const string SupportedVersion = "24.200.001";

    /// <summary><c>Default/24.200.001</c>: the form used in messages.</summary>
    public string Endpoint => $"{EndpointName}/{EndpointVersion}";

    /// <summary>Site root with a trailing slash (instance path segment kept).</summary>
    public Uri InstanceRoot => new(InstanceUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/", UriKind.Absolute);

    /// <summary><c>{instance}/entity/{name}/{version}/</c>.</summary>
    public Uri EndpointBaseUrl => new(InstanceRoot, $"entity/{Uri.EscapeDataString(EndpointName)}/{Uri.EscapeDataString(EndpointVersion)}/");

    /// <summary><c>{instance}/entity</c>: lists the endpoints the instance offers.</summary>
    public Uri EntityIndexUrl => new(InstanceRoot, "entity");

    public Uri LoginUrl => new(InstanceRoot, "entity/auth/login");

    public Uri LogoutUrl => new(InstanceRoot, "entity/auth/logout");

    public Uri TokenUrl => new(InstanceRoot, "identity/connect/token");

    public Uri AuthorizeUrl => new(InstanceRoot, "identity/connect/authorize");

    /// <summary>Key that identifies the tenant on this instance (used to share one session per tenant).</summary>
    public string TenantKey => $"{InstanceRoot.AbsoluteUri.ToUpperInvariant()}|{Tenant.ToUpperInvariant()}";

    /// <summary>Throws <see cref="ArgumentException"/> with an actionable message when the connection is unusable.</summary>
    public void Validate()
    {
        if (!InstanceUrl.IsAbsoluteUri || (InstanceUrl.Scheme != Uri.UriSchemeHttps && InstanceUrl.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException(
                $"Acumatica instance URL '{InstanceUrl}' must be an absolute http(s) URL such as https://erp.example.com/AcumaticaERP.",
                nameof(InstanceUrl));
        if (!string.IsNullOrEmpty(InstanceUrl.Query) || !string.IsNullOrEmpty(InstanceUrl.Fragment))
            throw new ArgumentException($"Acumatica instance URL '{InstanceUrl}' must not carry a query or fragment.", nameof(InstanceUrl));
        if (InstanceUrl.AbsolutePath.Contains("/entity", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException(
                $"Acumatica instance URL '{InstanceUrl}' must be the site URL without '/entity/...'; set the endpoint name and version separately.",
                nameof(InstanceUrl));
        if (string.IsNullOrWhiteSpace(EndpointName) || EndpointName.Contains('/'))
            throw new ArgumentException($"Acumatica endpoint name '{EndpointName}' is invalid; use e.g. '{DefaultEndpointName}'.", nameof(EndpointName));
        if (!VersionPattern().IsMatch(EndpointVersion ?? string.Empty))
            throw new ArgumentException(
                $"Acumatica endpoint version '{EndpointVersion}' is invalid; use the exact form NN.NNN.NNN, e.g. '{SupportedVersion}'.",
                nameof(EndpointVersion));
        if (string.IsNullOrWhiteSpace(Tenant))
            throw new ArgumentException("Acumatica tenant (company login name) is required.", nameof(Tenant));
        if (!Enum.IsDefined(AuthMode))
            throw new ArgumentException($"Unknown Acumatica auth mode '{AuthMode}'.", nameof(AuthMode));
    }

    [GeneratedRegex(@"^\d{2}\.\d{3}\.\d{3}\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
