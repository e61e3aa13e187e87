using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors;

/// <summary>Settings of the adapters (configuration section <c>Connectors</c>).</summary>
public sealed class ConnectorOptions
{
    public const string SectionName = "Connectors";

    /// <summary>How often the token-encryption key ring is re-read from the secret store.</summary>
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

}

internal sealed class ConnectorOptionsValidator : IValidateOptions<ConnectorOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectorOptions options)
    {
        var errors = new List<string>();
        if (options.KeyRingRefreshInterval <= TimeSpan.Zero)
            errors.Add($"{ConnectorOptions.SectionName}:{nameof(options.KeyRingRefreshInterval)} must be positive (was {options.KeyRingRefreshInterval}).");
        if (options.ZendeskOAuthRedirectUri is not { IsAbsoluteUri: true })
            errors.Add($"{ConnectorOptions.SectionName}:{nameof(options.ZendeskOAuthRedirectUri)} must be an absolute URL.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
