using System.Net;
using AcumaticaZendesk.Zendesk.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Zendesk.Jobs;

/// <summary>
/// Coalesces the job-status polls of one account (one instance per <see cref="ZendeskAccountState"/>): when a
/// job's poll falls due, it is sent together with every other job of the account due within
/// <see cref="ZendeskClientOptions.JobPollCoalesceWindow"/>, as one <c>GET /api/v2/job_statuses/show_many?ids=</c>
/// (at most 100 ids). A job polled alone, a job missing from the <c>show_many</c> answer (expired status) and every
/// job of an account whose <c>show_many</c> answers 404 are read with the single
/// <c>GET /api/v2/job_statuses/{id}</c> instead, so an expired status ends exactly as a 404 of that call always did.
/// Errors of a shared request (after the usual retries) fail the jobs of that request only.
/// </summary>
internal sealed partial class ZendeskJobPoller
{
    public const string ShowEndpoint = "job_statuses.show";
    public const string ShowManyEndpoint = "job_statuses.show_many";

    private readonly Lock _gate = new();
    private readonly List<Waiter> _waiting = [];
    private volatile bool _showManyUnsupported;
    private long _registered;
    private long _firstWaitTicks;

    /// <summary>
    /// The first wait for a new job of this account: <see cref="ZendeskClientOptions.JobPollInterval"/>, or longer
    /// when recent jobs were still running at their first poll (<see cref="LearnFirstPoll"/>).
    /// </summary>
    public TimeSpan FirstWait(ZendeskClientOptions options) =>
        TimeSpan.FromTicks(Math.Max(options.JobPollInterval.Ticks, Interlocked.Read(ref _firstWaitTicks)));

    /// <summary>
    /// What a job's first poll found. Still running: this account's jobs take longer than that wait, so the next jobs
    /// first wait 10 % longer (a poll that misses costs a whole back-off interval, one that lands a little late costs
    /// a little). Finished: the first wait creeps back by 1 % a job towards JobPollInterval, so a slow spell is not
    /// remembered for ever. Never below JobPollInterval (never more polls than configured) nor above JobPollMaxInterval.
    /// </summary>
    public void LearnFirstPoll(ZendeskClientOptions options, TimeSpan waited, bool finished)
    {
        var next = (long)(Math.Max(waited.Ticks, Interlocked.Read(ref _firstWaitTicks)) * (finished ? 0.99 : 1.1));
        Interlocked.Exchange(ref _firstWaitTicks, Math.Clamp(next, options.JobPollInterval.Ticks, options.JobPollMaxInterval.Ticks));
    }

    /// <summary>Requests' worth of the account's rate limit a poll may wait to take along jobs falling due after it.</summary>
    internal const int CoalesceRequests = 3;

    /// <summary>
    /// How long a due poll waits for other jobs of the account to fall due and share its request: the configured window, or
    /// the time <see cref="CoalesceRequests"/> requests cost at the account's learnt rate limit (<c>X-Rate-Limit</c>) when
    /// that is longer — a poll saved is worth a request's share of the limit, so a low limit (700/min: 86 ms a request)
    /// waits longer than a high one (2,500/min: 24 ms), where the jobs' latency weighs more than their requests. Never
    /// more than half of <see cref="ZendeskClientOptions.JobPollInterval"/>.
    /// </summary>
    internal static TimeSpan CoalesceWindow(ZendeskClientOptions options, int? rateLimitPerMinute)
    {
        var configured = options.EffectiveJobPollCoalesceWindow;
        if (rateLimitPerMinute is not > 0 || options.JobPollCoalesceWindow is not null)
        {
            return configured; // an operator's explicit window is kept as set
        }

        var requests = TimeSpan.FromMinutes(1.0 * CoalesceRequests / rateLimitPerMinute.Value);
        return TimeSpan.FromTicks(Math.Clamp(requests.Ticks, configured.Ticks, options.JobPollInterval.Ticks / 2));
    }

    /// <summary>Jobs waiting for their next poll (for tests and diagnostics).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>When the next poll fires: the earliest due time of a waiting job plus the coalescing window (for tests and diagnostics).</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count == 0 ? null : _waiting.Min(w => w.FiresAt);
            }
        }
    }

    /// <summary>A status whose (finished) results cannot be read is left out: that job reads its own status again.</summary>
    private static bool IsReadable(ZendeskJobStatus status, string endpoint)
    {
        try
        {
            ZendeskJobsClient.Readable(status, endpoint);
            return true;
        }
        catch (ZendeskBadResponseException)
        {
            return false;
        }
    }

    /// <summary><c>GET /api/v2/job_statuses/{id}</c>; a 404 (expired or unknown status) throws <see cref="ZendeskApiException"/>.</summary>
    public static async Task<ZendeskJobStatus> ShowAsync(ZendeskApiConnection api, string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        var request = new ZendeskRequest(HttpMethod.Get, $"/api/v2/job_statuses/{Uri.EscapeDataString(jobId)}", ShowEndpoint, true);
        return await api.GetJsonAsync(request, body => ZendeskJobsClient.ReadStatus(body, request.Endpoint), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits <paramref name="delay"/> on the injected clock (less when another job of the account polls within the
    /// coalescing window first) and returns the job's status.
    /// </summary>
    public async Task<ZendeskJobStatus> PollAsync(ZendeskApiConnection api, string jobId, TimeSpan delay, CancellationToken cancellationToken)
    {
        // A job is never polled before it is due: its own poll fires a coalescing window after that, and takes along
        // every job of the account that is due by then (polling a job early only to find it still running costs a
        // whole back-off interval; a little late costs a little).
        var window = CoalesceWindow(api.Options, api.Account.Budget.Snapshot().Limit);
        var waiter = new Waiter(
            api,
            jobId,
            api.Time.GetUtcNow() + delay,
            api.Time.GetUtcNow() + delay + window,
            Interlocked.Increment(ref _registered),
            cancellationToken);
        lock (_gate)
        {
            _waiting.Add(waiter);
        }

        try
        {
            using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var due = api.DelayAsync(delay + window, timer.Token);
                if (await Task.WhenAny(waiter.Result.Task, due).ConfigureAwait(false) == due)
                {
                    await due.ConfigureAwait(false); // throws when the caller cancelled
                    Lead(waiter);
                }
                else
                {
                    await timer.CancelAsync().ConfigureAwait(false); // polled early with another job
                }
            }

            var status = await waiter.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return status ?? await ShowAsync(api, jobId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiting.Remove(waiter); // still there only when cancelled before being polled
            }
        }
    }

    /// <summary>Claims <paramref name="leader"/> and every other job already due, then polls them together.</summary>
    private void Lead(Waiter leader)
    {
        var api = leader.Api;
        List<Waiter> batch;
        lock (_gate)
        {
            if (!_waiting.Remove(leader))
            {
                return; // already claimed by another job's poll
            }

            batch = [leader];
            if (!_showManyUnsupported)
            {
                var horizon = api.Time.GetUtcNow();
                batch.AddRange(_waiting
                    .Where(w => w.Due <= horizon && !w.Cancellation.IsCancellationRequested)
                    .OrderBy(w => w.Due)
                    .ThenBy(w => w.Sequence)
                    .Take(ZendeskBatching.MaxPerCall - 1));
                _waiting.RemoveAll(batch.Contains);
                batch.Sort((x, y) => x.Sequence.CompareTo(y.Sequence)); // ids in the order the jobs started waiting
            }
        }

        if (batch.Count == 1)
        {
            leader.Result.TrySetResult(null); // polled alone: the leader reads its single status itself
            return;
        }

        _ = ShowManyAsync(api, batch);
    }

    /// <summary>One <c>show_many</c> for <paramref name="batch"/>; never throws (outcomes go to the waiters).</summary>
    private async Task ShowManyAsync(ZendeskApiConnection api, List<Waiter> batch)
    {
        // The shared request stops only when every job in it has been given up by its caller.
        using var abandoned = new CancellationTokenSource();
        var live = batch.Count;
        var registrations = batch.Select(w => w.Cancellation.Register(() =>
        {
            if (Interlocked.Decrement(ref live) == 0)
            {
                abandoned.Cancel();
            }
        })).ToList();
        try
        {
            var ids = batch.Select(w => w.JobId).Distinct(StringComparer.Ordinal).ToList();
            var request = new ZendeskRequest(HttpMethod.Get, $"/api/v2/job_statuses/show_many?ids={ZendeskBatching.JoinForQuery(ids)}", ShowManyEndpoint, true);
            var response = await api.SendAsync(request, abandoned.Token).ConfigureAwait(false);
            if (response.Status == HttpStatusCode.NotFound)
            {
                // Zendesk answers unknown ids by leaving them out; a 404 means the endpoint itself is missing.
                _showManyUnsupported = true;
                LogShowManyUnsupported(api.Logger, api.Connection.Subdomain);
                batch.ForEach(w => w.Result.TrySetResult(null));
                return;
            }

            if (!response.IsSuccess)
            {
                throw api.Failure(request, response);
            }

            Dictionary<string, ZendeskJobStatus> statuses;
            try
            {
                statuses = ZendeskJson.Property<List<ZendeskJobStatus>>(response.Body, "job_statuses", request.Endpoint)
                    .Where(s => !string.IsNullOrEmpty(s.Id))
                    .DistinctBy(s => s.Id, StringComparer.Ordinal)
                    .Where(s => IsReadable(s, request.Endpoint))
                    .ToDictionary(s => s.Id, StringComparer.Ordinal);
            }
            catch (ZendeskBadResponseException ex) when (!ex.TooLarge)
            {
                // An answer that cannot be read: each job reads its own status instead (retried there on bad answers).
                statuses = [];
            }

            LogPolledTogether(api.Logger, api.Connection.Subdomain, ids.Count, statuses.Count);
            foreach (var waiter in batch)
            {
                // A missing id (status expired) is read alone, so it ends as that call's 404 always did.
                waiter.Result.TrySetResult(statuses.GetValueOrDefault(waiter.JobId));
            }
        }
        catch (OperationCanceledException) when (abandoned.IsCancellationRequested)
        {
            batch.ForEach(w => w.Result.TrySetCanceled(abandoned.Token));
        }
        catch (Exception ex)
        {
            LogBatchFailed(api.Logger, ex, api.Connection.Subdomain, batch.Count, string.Join(',', batch.Select(w => w.JobId)), ex.GetType().Name);
            foreach (var waiter in batch)
            {
                waiter.Result.TrySetException(ex);
                _ = waiter.Result.Task.Exception; // observed: a caller that gave up no longer awaits it
            }
        }
        finally
        {
            registrations.ForEach(r => r.Dispose());
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zendesk {Subdomain} polled {Count} jobs in one show_many request ({Found} statuses returned)")]
    private static partial void LogPolledTogether(ILogger logger, string subdomain, int count, int found);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} answered job_statuses/show_many with 404; polling its jobs one by one from now on")]
    private static partial void LogShowManyUnsupported(ILogger logger, string subdomain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} shared status poll of {Count} jobs ({JobIds}) failed with {Error}; those jobs "
        + "fail")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string subdomain, int count, string jobIds, string error);

    /// <summary>A job waiting for its next poll; <see cref="Result"/> gets its status, or null = read it alone.</summary>
    private sealed class Waiter(
        ZendeskApiConnection api,
        string jobId,
        DateTimeOffset due,
        DateTimeOffset firesAt,
        long sequence,
        CancellationToken cancellation)
    {
        public ZendeskApiConnection Api { get; } = api;

        public string JobId { get; } = jobId;

        public DateTimeOffset Due { get; } = due;

        public DateTimeOffset FiresAt { get; } = firesAt;

        public long Sequence { get; } = sequence;

        public CancellationToken Cancellation { get; } = cancellation;

        public TaskCompletionSource<ZendeskJobStatus?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
