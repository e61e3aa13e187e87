using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.Connectors;

/// <summary>Settings of the adapters (configuration section <c>Connectors</c>).</summary>
public sealed class ConnectorOptions : IValidatableObject
{
    public const string SectionName = "Connectors";

    /// <summary>How often the token-encryption key ring is re-read from the secret store.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = SectionName + ":" + nameof(KeyRingRefreshInterval) + " must be between {1} and {2}.")]
    public TimeSpan KeyRingRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Redirect URL registered on the Zendesk OAuth client; only used to build the consent link a
    /// "needs authorization" error carries (the client refreshes tokens without it).
    /// </summary>
    public Uri ZendeskOAuthRedirectUri { get; set; } = new("http://127.0.0.1:5180/operator/v1/connect/zendesk/callback");

    /// <summary>
    /// Obtain Zendesk tokens with the <c>client_credentials</c> grant (confidential OAuth client) when a tenant has
    /// none or its token expires without a refresh token: no operator consent needed (sandbox, service accounts).
    /// </summary>
    public bool ZendeskClientCredentials { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ZendeskOAuthRedirectUri is not { IsAbsoluteUri: true })
            yield return new ValidationResult($"{SectionName}:{nameof(ZendeskOAuthRedirectUri)} must be an absolute URL.", [nameof(ZendeskOAuthRedirectUri)]);
    }
}
