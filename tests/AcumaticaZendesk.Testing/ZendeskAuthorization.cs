namespace AcumaticaZendesk.Testing;

/// <summary>How the sandboxed connector gets a tenant's Zendesk tokens.</summary>
public enum ZendeskAuthorization
{
    /// <summary>
    /// What production does (the default): an operator's consent through the operator API's connect flow and the
    /// sandbox's authorize endpoint (PKCE, state), then the refresh-token grant whenever the access token expires.
    /// </summary>
    AuthorizationCode,

    /// <summary>The variant for service accounts: the <c>client_credentials</c> grant, no consent (<c>Connectors:ZendeskClientCredentials</c>).</summary>
    ClientCredentials,
}
