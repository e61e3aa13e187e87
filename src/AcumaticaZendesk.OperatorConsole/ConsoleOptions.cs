using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.OperatorConsole;

/// <summary>Options of the operator console (configuration section <c>Operator:Console</c>).</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string SectionName = "Operator:Console";

    /// <summary>How long a console sign-in lasts without activity (sliding).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How often an open page asks for a running run's progress.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan ProgressRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Sign-in with OpenID Connect: set <see cref="OidcOptions.Authority"/> and <see cref="OidcOptions.ClientId"/>.</summary>
    public OidcOptions Oidc { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Oidc.Complete)
            yield return new ValidationResult(OidcOptions.IncompleteError, [nameof(Oidc)]);
        if (!Oidc.AuthorityIsHttps)
            yield return new ValidationResult(OidcOptions.AuthorityError, [nameof(Oidc)]);
    }
}

/// <summary>
/// OpenID Connect sign-in (authorization code + PKCE). The signed-in person's claims are read with the operator API's
/// <c>Operator:Jwt</c> rules (admin role, tenant claim, name claim), so the API and the console decide alike; a person
/// with neither the admin role nor a tenant claim is refused at sign-in.
/// </summary>
public sealed class OidcOptions
{
    /// <summary>Issuer URL; null/empty: the console signs in with operator API keys only.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Name of the secret (in the secret store) holding the client secret; null for a public client.</summary>
    public string? ClientSecretName { get; set; }

    [Required]
    public string Scope { get; set; } = "openid profile";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);

    internal const string IncompleteError =
        "Operator:Console:Oidc needs both Authority and ClientId (or neither, for sign-in with API keys only).";

    internal const string AuthorityError =
        "Operator:Console:Oidc:Authority must be an absolute https URL (the provider's issuer), for example "
            + "https://login.microsoftonline.com/{tenant-id}/v2.0.";

    /// <summary>Authority and client id are both set or both empty: one without the other would silently turn sign-in off.</summary>
    internal bool Complete => string.IsNullOrWhiteSpace(Authority) == string.IsNullOrWhiteSpace(ClientId);

    internal bool AuthorityIsHttps =>
        string.IsNullOrWhiteSpace(Authority)
        || (Uri.TryCreate(Authority, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps);
}
