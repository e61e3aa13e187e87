namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>Plan limits and behaviour knobs of one simulated Zendesk account.</summary>
public sealed class ZendeskSettings
{
    /// <summary>Account requests per minute (Team 200, Growth/Professional 400, Enterprise 700, High Volume 2,500). 0 = unlimited.</summary>
    public int RateLimitPerMinute { get; set; } = 700;

    /// <summary>
    /// Length of the rate-limit window (a minute). A shorter window scales time for tests and chaos runs: with
    /// <c>RateLimitPerMinute = L</c> and a window of 60 s / k, the account allows L requests per (60/k) s, i.e. the
    /// plan's ratio of requests to window at k times the speed. <c>X-Rate-Limit</c> still reports L.
    /// </summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Incremental export requests per minute (10; 30 with High Volume).</summary>
    public int IncrementalExportPerMinute { get; set; } = 10;

    /// <summary>When true, users/create_or_update_many answers 403 (bulk user import not enabled by Zendesk Support).</summary>
    public bool BulkRefused { get; set; }

    /// <summary>At most this many jobs queued or working; beyond → 429.</summary>
    public int MaxQueuedJobs { get; set; } = 30;

    /// <summary>How long a new job stays "queued".</summary>
    public TimeSpan JobQueuedFor { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a job stays "working" before it completes (its changes apply at completion).</summary>
    public TimeSpan JobWorkingFor { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Job statuses disappear (404) this long after completion.</summary>
    public TimeSpan JobExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Offset pagination refuses (400) requests past this many records.</summary>
    public int OffsetPaginationLimit { get; set; } = 10_000;

    /// <summary>Two writes to the same record within this window → 409 DatabaseConflict. Zero = off.</summary>
    public TimeSpan ConflictWindow { get; set; } = TimeSpan.Zero;

    /// <summary>OAuth access-token lifetime; null = non-expiring (clients created before 2026-04-30).</summary>
    public TimeSpan? AccessTokenLifetime { get; set; } = TimeSpan.FromSeconds(1800);

    /// <summary>Delivery attempts per webhook event (first try included).</summary>
    public int WebhookMaxAttempts { get; set; } = 5;

    /// <summary>Delay before retry n is n × this.</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Probability (0..1) that a webhook event is silently never delivered.</summary>
    public double WebhookDropRate { get; set; }

    /// <summary>
    /// Each event is sent between <see cref="WebhookMinCopies"/> and <see cref="WebhookMaxCopies"/> times (same event id and
    /// body, each copy signed when it is sent), as when Zendesk redelivers an event it believes failed. 1 = once.
    /// </summary>
    public int WebhookMinCopies { get; set; } = 1;

    /// <summary>Upper bound of <see cref="WebhookMinCopies"/> (inclusive).</summary>
    public int WebhookMaxCopies { get; set; } = 1;

    /// <summary>
    /// Each copy waits a random time up to this before its first attempt, so a later event of a ticket can arrive before an
    /// earlier one (out-of-order delivery). Zero = sent at once, in order.
    /// </summary>
    public TimeSpan WebhookMaxDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long an Idempotency-Key of a ticket creation is remembered (recalled as about 2 hours).</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(2);

    public long AccountId { get; set; } = 10_973_248;
}
