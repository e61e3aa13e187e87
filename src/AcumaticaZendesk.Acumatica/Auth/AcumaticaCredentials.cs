namespace AcumaticaZendesk.Acumatica.Auth;

/// <summary>A connected application registered on the instance (SM303010).</summary>
/// <param name="ClientId">Client id, <c>&lt;GUID&gt;@&lt;TenantLoginName&gt;</c>.</param>
/// <param name="ClientSecret">Shared secret; null for a public client using PKCE only.</param>
/// <param name="Scope">Requested scopes; <c>api offline_access</c> gives refresh tokens that reuse one server session.</param>
public sealed record AcumaticaOAuthClient(string ClientId, string? ClientSecret, string Scope = AcumaticaOAuthClient.DefaultScope)
{
    public const string DefaultScope = "api offline_access";

    // Records print every property; never let a secret reach a log through ToString.
    public override string ToString() =>
        $"AcumaticaOAuthClient {{ ClientId = {ClientId}, ClientSecret = {(ClientSecret is null ? "none" : "***")}, Scope = {Scope} }}";
}

/// <summary>An Acumatica user for the password grant or the legacy cookie sign-in.</summary>
public sealed record AcumaticaUserCredentials(string UserName, string Password)
{
    public override string ToString() => $"AcumaticaUserCredentials {{ UserName = {UserName}, Password = *** }}";
}

/// <summary>What the client may use to sign in; which parts are needed depends on <see cref="AcumaticaAuthMode"/>.</summary>
public sealed record AcumaticaCredentials(AcumaticaOAuthClient? OAuthClient = null, AcumaticaUserCredentials? User = null)
{
    public static AcumaticaCredentials ForAuthorizationCode(AcumaticaOAuthClient client) => new(client);

    public static AcumaticaCredentials ForPassword(AcumaticaOAuthClient client, AcumaticaUserCredentials user) => new(client, user);

    public static AcumaticaCredentials ForCookieSession(AcumaticaUserCredentials user) => new(null, user);

    internal void ValidateFor(AcumaticaAuthMode mode, IAcumaticaTokenStore? tokenStore)
    {
        switch (mode)
        {
            case AcumaticaAuthMode.OAuthAuthorizationCode:
                RequireClient(mode);
                if (tokenStore is null)
                    throw new ArgumentException(
                        "The authorization-code mode needs an IAcumaticaTokenStore holding the tokens from the consent flow.",
                        nameof(tokenStore));
                break;
            case AcumaticaAuthMode.OAuthPassword:
                RequireClient(mode);
                RequireUser(mode);
                break;
            case AcumaticaAuthMode.CookieSession:
                RequireUser(mode);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown Acumatica auth mode.");
        }
    }

    private void RequireClient(AcumaticaAuthMode mode)
    {
        if (OAuthClient is null || string.IsNullOrWhiteSpace(OAuthClient.ClientId))
            throw new ArgumentException($"Auth mode {mode} needs an OAuth client id (<GUID>@<Tenant>) from the Connected Applications form (SM303010).");
    }

    private void RequireUser(AcumaticaAuthMode mode)
    {
        if (User is null || string.IsNullOrWhiteSpace(User.UserName) || string.IsNullOrEmpty(User.Password))
            throw new ArgumentException($"Auth mode {mode} needs an Acumatica user name and password.");
    }
}
