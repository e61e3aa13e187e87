using System.Collections.Concurrent;

namespace AcumaticaZendesk.Zendesk.Http;

/// <summary>
/// What all clients of one Zendesk account in this process share: the rate budget, the incremental-export
/// window, the bulk-job limit and job-status polls, the token refresh lock and whether bulk user import is refused.
/// </summary>
internal sealed class ZendeskAccountState(ZendeskClientOptions options)
{
    public ZendeskRateBudget Budget { get; } = new(options.RateLimitReserveFraction);

    public ZendeskSlidingWindow IncrementalExports { get; } = new(options.IncrementalExportRequestsPerMinute, TimeSpan.FromMinutes(1));

    /// <summary>The bulk jobs the account may have in flight from this process (adaptive, see <see cref="Jobs.ZendeskJobLimit"/>).</summary>
    public Jobs.ZendeskJobLimit BulkJobs { get; } = new(options.MaxConcurrentBulkJobs);

    /// <summary>Coalesces the job-status polls of the account's jobs into shared <c>show_many</c> requests.</summary>
    public Jobs.ZendeskJobPoller JobPolls { get; } = new();

    public SemaphoreSlim RefreshLock { get; } = new(1, 1);

    /// <summary>Set once the account answered 403 to <c>create_or_update_many</c>; later calls go single.</summary>
    public bool BulkUserImportRefused { get; set; }
}

/// <summary>The per-account states, keyed by <see cref="ZendeskConnection.AccountKey"/> (a singleton).</summary>
internal sealed class ZendeskAccountStates(Microsoft.Extensions.Options.IOptions<ZendeskClientOptions> options)
{
    private readonly ConcurrentDictionary<string, ZendeskAccountState> _states = new(StringComparer.Ordinal);

    public ZendeskAccountState For(ZendeskConnection connection) =>
        _states.GetOrAdd(connection.AccountKey, _ => new ZendeskAccountState(options.Value));
}
