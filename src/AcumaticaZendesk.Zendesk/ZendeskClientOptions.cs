using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.Zendesk;

/// <summary>Behaviour of every Zendesk client (configuration section <c>Zendesk</c>).</summary>
public sealed class ZendeskClientOptions : IValidatableObject
{
    public const string SectionName = "Zendesk";

    /// <summary>Attempts per request, counting the first (retries of 429, and of 409/5xx on idempotent calls).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First back-off delay for 409 DatabaseConflict, 5xx and network errors; doubles per attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of one back-off delay (and of an honoured <c>Retry-After</c>).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait used when a 429 carries no usable <c>Retry-After</c>.</summary>
    public TimeSpan DefaultRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Share of the per-minute <c>X-Rate-Limit</c> kept in reserve: once <c>X-Rate-Limit-Remaining</c> falls to
    /// it, requests are spread over what is left of the minute instead of being refused.
    /// </summary>
    public double RateLimitReserveFraction { get; set; } = 0.1;

    /// <summary>Requests per minute for the incremental exports (10; 30 with the High Volume API add-on).</summary>
    public int IncrementalExportRequestsPerMinute { get; set; } = 10;

    /// <summary>
    /// Most bulk jobs one account may have in flight from this process (Zendesk queues at most 30): the adaptive limit's
    /// ceiling (<see cref="Jobs.ZendeskJobLimit"/>). The connector sets it from <c>Sync:Throughput:MaxConcurrentBulkJobs</c>,
    /// where an operator tunes it with the other throughput settings.
    /// </summary>
    public int MaxConcurrentBulkJobs { get; set; } = 30;

    /// <summary>
    /// First wait between job-status polls; each later wait is <see cref="JobPollBackoff"/> times the previous one,
    /// up to <see cref="JobPollMaxInterval"/>.
    /// </summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two polls of one job.</summary>
    public TimeSpan JobPollMaxInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Growth factor of the wait between polls of one job (1 = constant interval).</summary>
    public double JobPollBackoff { get; set; } = 1.5;

    /// <summary>
    /// When a job of an account is due for a poll, the account's other jobs due within this window are polled in
    /// the same <c>job_statuses/show_many</c> request (a little early). Null = a tenth of <see cref="JobPollInterval"/>, or
    /// three requests' worth of the account's learnt rate limit when that is longer (at most half the interval; see
    /// <c>ZendeskJobPoller.CoalesceWindow</c>); zero = only jobs due at the same instant share a request.
    /// </summary>
    public TimeSpan? JobPollCoalesceWindow { get; set; }

    /// <summary><see cref="JobPollCoalesceWindow"/>, or its default (a tenth of <see cref="JobPollInterval"/>).</summary>
    internal TimeSpan EffectiveJobPollCoalesceWindow => JobPollCoalesceWindow ?? JobPollInterval / 10;

    /// <summary>The wait after <paramref name="interval"/>: times <see cref="JobPollBackoff"/>, capped at <see cref="JobPollMaxInterval"/>.</summary>
    internal TimeSpan NextJobPollInterval(TimeSpan interval)
    {
        var next = interval.Ticks * JobPollBackoff;
        return next >= JobPollMaxInterval.Ticks ? JobPollMaxInterval : TimeSpan.FromTicks((long)next);
    }

    /// <summary>How long a bulk job may take before the client gives up waiting (statuses expire after about an hour).</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Cursor page size (<c>page[size]</c>) for list reads; Zendesk allows at most 100.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// Most pages one cursor listing reads (<see cref="PageSize"/> records each) before it is refused as endless;
    /// with 100 per page the default allows 2,000,000 records.
    /// </summary>
    public int MaxListPages { get; set; } = 20_000;

    /// <summary>An access token is refreshed when it expires within this margin.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a client keeps the tokens it read from its token source (the encrypted state store: a sidecar round trip
    /// and a decryption) before reading them again; a refresh, and every 401, reads the source anew. Zero: every request.
    /// </summary>
    public TimeSpan TokenCacheTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Largest answer body buffered (<c>HttpClient.MaxResponseContentBufferSize</c>); a larger one is refused, not retried.</summary>
    public int MaxResponseBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Start-up validation with messages that name the setting.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = new List<ValidationResult>();
        Check(MaxAttempts is >= 1 and <= 20, "Zendesk:MaxAttempts must be between 1 and 20.");
        Check(RetryBaseDelay > TimeSpan.Zero, "Zendesk:RetryBaseDelay must be positive.");
        Check(RetryMaxDelay >= RetryBaseDelay, "Zendesk:RetryMaxDelay must be at least Zendesk:RetryBaseDelay.");
        Check(DefaultRetryAfter > TimeSpan.Zero, "Zendesk:DefaultRetryAfter must be positive.");
        Check(RateLimitReserveFraction is >= 0 and < 1, "Zendesk:RateLimitReserveFraction must be in [0, 1).");
        Check(IncrementalExportRequestsPerMinute is >= 1 and <= 30, "Zendesk:IncrementalExportRequestsPerMinute must be between 1 and 30.");
        Check(MaxConcurrentBulkJobs is >= 1 and <= 30, "Zendesk:MaxConcurrentBulkJobs must be between 1 and 30 (Zendesk queues at most 30 jobs per account).");
        Check(
            JobPollInterval > TimeSpan.Zero && JobPollMaxInterval >= JobPollInterval,
            "Zendesk:JobPollInterval must be positive and not above Zendesk:JobPollMaxInterval.");
        Check(JobPollBackoff is >= 1.0 and <= 4.0, "Zendesk:JobPollBackoff must be between 1.0 and 4 (growth factor of the wait between job-status polls).");
        Check(JobPollCoalesceWindow is null || (JobPollCoalesceWindow >= TimeSpan.Zero && JobPollCoalesceWindow <= JobPollInterval),
            "Zendesk:JobPollCoalesceWindow must be between 0 and Zendesk:JobPollInterval (leave it empty for a tenth of Zendesk:JobPollInterval).");
        Check(JobTimeout > TimeSpan.Zero, "Zendesk:JobTimeout must be positive.");
        Check(PageSize is >= 1 and <= 100, "Zendesk:PageSize must be between 1 and 100.");
        Check(MaxListPages is >= 1 and <= 1_000_000, "Zendesk:MaxListPages must be between 1 and 1,000,000.");
        Check(TokenRefreshMargin >= TimeSpan.Zero, "Zendesk:TokenRefreshMargin must not be negative.");
        Check(
            TokenCacheTime >= TimeSpan.Zero && TokenCacheTime <= TimeSpan.FromMinutes(5),
            "Zendesk:TokenCacheTime must be between 00:00:00 and 00:05:00 (tokens kept between reads of the token store).");
        Check(RequestTimeout > TimeSpan.Zero, "Zendesk:RequestTimeout must be positive.");
        Check(MaxResponseBytes >= 64 * 1024, "Zendesk:MaxResponseBytes must be at least 65,536 (a page of 100 records is well below 1 MB).");
        return errors;

        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(new ValidationResult(message));
            }
        }
    }
}
