using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Acumatica;

/// <summary>Transport settings shared by all tenants (configuration section <c>Acumatica:Client</c>).</summary>
public sealed class AcumaticaClientOptions
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
}

internal sealed class AcumaticaClientOptionsValidator : IValidateOptions<AcumaticaClientOptions>
{
    public ValidateOptionsResult Validate(string? name, AcumaticaClientOptions options)
    {
        var errors = new List<string>();
        if (options.MaxRetryAttempts is < 0 or > 10)
            errors.Add($"{nameof(options.MaxRetryAttempts)} must be between 0 and 10 (was {options.MaxRetryAttempts}).");
        if (options.RetryBaseDelay < TimeSpan.Zero)
            errors.Add($"{nameof(options.RetryBaseDelay)} must not be negative.");
        if (options.AttemptTimeout <= TimeSpan.Zero || options.TotalRequestTimeout <= TimeSpan.Zero)
            errors.Add("Timeouts must be positive.");
        if (options.AttemptTimeout > options.TotalRequestTimeout)
            errors.Add($"{nameof(options.AttemptTimeout)} must not exceed {nameof(options.TotalRequestTimeout)}.");
        if (options.TokenRefreshSkew < TimeSpan.Zero || options.LogoutTimeout <= TimeSpan.Zero)
            errors.Add($"{nameof(options.TokenRefreshSkew)} must not be negative and {nameof(options.LogoutTimeout)} must be positive.");
        if (options.MaxResponseBytes is < 64 * 1024)
            errors.Add($"{nameof(options.MaxResponseBytes)} must be at least 65,536 (was {options.MaxResponseBytes}).");
        if (options.MaxRecordBytes < 1024 || options.MaxRecordBytes > options.MaxResponseBytes)
            errors.Add($"{nameof(options.MaxRecordBytes)} must be between 1,024 and {nameof(options.MaxResponseBytes)} (was {options.MaxRecordBytes}).");
        if (options.MaxRecordFields is < 10 or > 100_000)
            errors.Add($"{nameof(options.MaxRecordFields)} must be between 10 and 100,000 (was {options.MaxRecordFields}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
