using System.ComponentModel.DataAnnotations;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator;

/// <summary>Options of the operator API (configuration section <c>Operator</c>).</summary>
public sealed class OperatorOptions : IValidatableObject
{
    public const string SectionName = "Operator";

    /// <summary>
    /// Public base URL of the worker as the operator's browser reaches it (e.g. <c>https://sync.example.com</c>);
    /// the OAuth redirect URIs are <c>{PublicBaseUrl}/operator/v1/connect/{system}/callback</c>. Null: taken from the request.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long a started OAuth consent may take before its state expires.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan ConnectStateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>API keys (their values live in the secret store; see <see cref="ApiKeyOptions"/>).</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>How long API key values read from the secret store are cached.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ApiKeyCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Bearer tokens: configured only when <see cref="JwtOptions.Authority"/> is set.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Most pages one <c>plan</c> call reads per kind (each page is <see cref="PlanPageSize"/> records).</summary>
    [Range(1, 1000)]
    public int PlanMaxPagesPerKind { get; set; } = 20;

    [Range(1, 1000)]
    public int PlanPageSize { get; set; } = 500;

    /// <summary>Most Acumatica records one <c>reconcile</c> call reads per kind.</summary>
    [Range(1, 1_000_000)]
    public int ReconcileMaxRecordsPerKind { get; set; } = 50_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Data annotations do not reach into list items: each key's own rules, checked here. A key's name and tenant make
        // its secret's name, so they must not hold a ':' (tenant "a:b" with key "c" would read tenant "a"'s key "b:c").
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            var key = ApiKeys[i];
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(key, new ValidationContext(key), results, validateAllProperties: true))
            {
                yield return new ValidationResult(
                    $"Operator:ApiKeys:{i}:Name must be 1-64 letters, digits, '_', '.' or '-' (was '{key.Name}').", [nameof(ApiKeys)]);
            }

            if (key.Tenant is not null && !TenantIds.IsValid(key.Tenant))
            {
                yield return new ValidationResult(
                    $"Operator:ApiKeys:{i}:Tenant must be a tenant id ({TenantIds.Rule}), or left out for an admin key.", [nameof(ApiKeys)]);
            }
        }

        if (ApiKeys.Select(k => (k.Name, k.Tenant)).Distinct().Count() != ApiKeys.Count)
            yield return new ValidationResult("Operator:ApiKeys lists the same key twice.", [nameof(ApiKeys)]);
        if (!string.IsNullOrWhiteSpace(Jwt.Authority) && string.IsNullOrWhiteSpace(Jwt.Audience))
            yield return new ValidationResult(
                "Operator:Jwt:Audience is required when Operator:Jwt:Authority is set (without it a token issued for any other application of the same "
                    + "authority would be accepted).",
                [nameof(Jwt)]);
    }
}

/// <summary>
/// One API key. Its value is the secret <c>operator:api-keys:{Name}</c> (admin: sees every tenant) or, when
/// <see cref="Tenant"/> is set, <c>operator:tenant-keys:{Tenant}:{Name}</c> (sees that tenant only).
/// </summary>
public sealed class ApiKeyOptions
{
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string Name { get; set; } = string.Empty;

    public string? Tenant { get; set; }

    /// <summary>The secret that holds the key's value.</summary>
    public string SecretName => Tenant is null ? $"operator:api-keys:{Name}" : $"operator:tenant-keys:{Tenant}:{Name}";
}

/// <summary>JWT bearer tokens issued by an OpenID Connect authority (e.g. Entra ID).</summary>
public sealed class JwtOptions
{
    /// <summary>Issuer URL; null/empty disables bearer tokens.</summary>
    public string? Authority { get; set; }

    public string? Audience { get; set; }

    /// <summary>Claim listing the tenants a token may see; a token without it needs <see cref="AdminRole"/>.</summary>
    public string TenantClaim { get; set; } = "operator_tenant";

    /// <summary>Role (the <c>roles</c>/<c>role</c> claim) that sees every tenant.</summary>
    public string AdminRole { get; set; } = "Operator.Admin";

    /// <summary>Claim naming the person (recorded as "who" on watermark resets).</summary>
    public string NameClaim { get; set; } = "preferred_username";
}
