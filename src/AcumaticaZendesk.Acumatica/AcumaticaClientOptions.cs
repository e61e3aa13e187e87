using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.Acumatica;

/// <summary>Transport settings shared by all tenants (configuration section <c>Acumatica:Client</c>).</summary>
public sealed class AcumaticaClientOptions : IValidatableObject
{
    public const string SectionName = "Acumatica:Client";

    /// <summary>Retries of idempotent reads (GET) on 408/429/5xx, timeouts and network errors. Writes are never retried blindly.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Base of the exponential back-off (with jitter); a <c>Retry-After</c> header takes precedence.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Per attempt. Acumatica queues requests instead of rejecting them under load, so keep this long.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Whole call including retries and back-off.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Refresh access tokens this long before they expire.</summary>
    public TimeSpan TokenRefreshSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound for the always-attempted sign-out of a cookie session.</summary>
    public TimeSpan LogoutTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest answer body buffered (<c>HttpClient.MaxResponseContentBufferSize</c>); a larger one is refused.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Largest single record (UTF-8 JSON) read; a larger one is refused on its own and the rest of its page goes on.</summary>
    public int MaxRecordBytes { get; set; } = 256 * 1024;

    /// <summary>Most top-level fields a record may carry; one with more is refused on its own.</summary>
    public int MaxRecordFields { get; set; } = 1_000;

    /// <summary>Start-up validation with messages that name the setting.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        const string S = SectionName + ":";
        if (MaxRetryAttempts is < 0 or > 10)
            yield return new ValidationResult($"{S}{nameof(MaxRetryAttempts)} must be between 0 and 10 (was {MaxRetryAttempts}).");
        if (RetryBaseDelay < TimeSpan.Zero)
            yield return new ValidationResult($"{S}{nameof(RetryBaseDelay)} must not be negative.");
        if (AttemptTimeout <= TimeSpan.Zero || TotalRequestTimeout <= TimeSpan.Zero)
            yield return new ValidationResult($"{S}{nameof(AttemptTimeout)} and {S}{nameof(TotalRequestTimeout)} must be positive.");
        if (AttemptTimeout > TotalRequestTimeout)
            yield return new ValidationResult($"{S}{nameof(AttemptTimeout)} must not exceed {S}{nameof(TotalRequestTimeout)}.");
        if (TokenRefreshSkew < TimeSpan.Zero || LogoutTimeout <= TimeSpan.Zero)
            yield return new ValidationResult($"{S}{nameof(TokenRefreshSkew)} must not be negative and {S}{nameof(LogoutTimeout)} must be positive.");
        if (MaxResponseBytes is < 64 * 1024)
            yield return new ValidationResult($"{S}{nameof(MaxResponseBytes)} must be at least 65,536 (was {MaxResponseBytes}).");
        if (MaxRecordBytes < 1024 || MaxRecordBytes > MaxResponseBytes)
            yield return new ValidationResult($"{S}{nameof(MaxRecordBytes)} must be between 1,024 and {S}{nameof(MaxResponseBytes)} (was {MaxRecordBytes}).");
        if (MaxRecordFields is < 10 or > 100_000)
            yield return new ValidationResult($"{S}{nameof(MaxRecordFields)} must be between 10 and 100,000 (was {MaxRecordFields}).");
    }
}
