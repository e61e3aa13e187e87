using System.Text.Json;
using AcumaticaZendesk.Zendesk.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Zendesk.Jobs;

/// <summary>One record of a bulk request: its position in the caller's list and the keys results may carry.</summary>
internal sealed record ZendeskBulkInput(int Index, long? Id, string? ExternalId, string? Email = null);

/// <summary>
/// Background jobs: status reads, polling until a job finishes, and mapping a finished job's per-item results
/// back to the records that were sent. Jobs of one account run at most <see cref="ZendeskJobLimit.Limit"/> at a time
/// from this process (adaptive, up to <see cref="ZendeskClientOptions.MaxConcurrentBulkJobs"/>).
/// </summary>
public sealed partial class ZendeskJobsClient
{
    private readonly ZendeskApiConnection _api;

    internal ZendeskJobsClient(ZendeskApiConnection api) => _api = api;

    /// <summary><c>GET /api/v2/job_statuses/{id}</c>.</summary>
    public Task<ZendeskJobStatus> GetAsync(string jobId, CancellationToken cancellationToken) =>
        ZendeskJobPoller.ShowAsync(_api, jobId, cancellationToken);

    /// <summary>A job status; a finished job's results must be readable too (else the status is read again).</summary>
    internal static ZendeskJobStatus ReadStatus(byte[] body, string endpoint) =>
        Readable(ZendeskJson.Property<ZendeskJobStatus>(body, "job_status", endpoint), endpoint);

    /// <summary>Throws <see cref="ZendeskBadResponseException"/> when a finished job's results cannot be read.</summary>
    internal static ZendeskJobStatus Readable(ZendeskJobStatus job, string endpoint)
    {
        if (job.IsFinished)
        {
            _ = Results(job, endpoint);
        }

        return job;
    }

    private static List<ZendeskJobResult> Results(ZendeskJobStatus job, string endpoint) =>
        job.Results is { ValueKind: JsonValueKind.Array } array
            ? ZendeskJson.Read(endpoint, () => array.Deserialize<List<ZendeskJobResult>>(ZendeskJson.Options) ?? [])
            : [];

    /// <summary>
    /// Polls until the job is completed or failed: first after <see cref="ZendeskClientOptions.JobPollInterval"/> (or
    /// a little longer once this account's jobs were seen still running at their first poll), then at intervals growing by <see
    /// cref="ZendeskClientOptions.JobPollBackoff"/> up to
    /// <see cref="ZendeskClientOptions.JobPollMaxInterval"/>, on the injected clock. Jobs of the same account due
    /// within <see cref="ZendeskClientOptions.JobPollCoalesceWindow"/> share one <c>job_statuses/show_many</c>
    /// request; an expired status (404) throws <see cref="ZendeskApiException"/> as <see cref="GetAsync"/> does.
    /// </summary>
    public async Task<ZendeskJobStatus> WaitAsync(ZendeskJobStatus job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var options = _api.Options;
        var deadline = _api.Time.GetUtcNow() + options.JobTimeout;
        var polls = _api.Account.JobPolls;
        var interval = polls.FirstWait(options);
        var first = true;
        while (!job.IsFinished)
        {
            if (_api.Time.GetUtcNow() >= deadline)
            {
                throw new TimeoutException(
                    $"Zendesk job {job.Id} on '{_api.Connection.Subdomain}' was still '{job.Status}' after {options.JobTimeout}; " +
                    "check it with GET /api/v2/job_statuses/{id} (statuses expire after about an hour).");
            }

            var wait = interval;
            interval = options.NextJobPollInterval(interval);
            job = await polls.PollAsync(_api, job.Id, wait, cancellationToken).ConfigureAwait(false);
            if (first)
            {
                polls.LearnFirstPoll(options, wait, job.IsFinished);
                first = false;
            }
        }

        LogJobFinished(_api.Logger, job.Id, _api.Connection.Subdomain, job.Status, job.Total);
        return job;
    }

    /// <summary>
    /// Submits a bulk request holding one of the account's job slots (<see cref="ZendeskJobLimit"/>), waits for the job
    /// and maps its results. A submission refused for too many jobs queued or running is not a failure: the limit backs
    /// off, and the same request is submitted again once a job of the account finished or the refusal's Retry-After
    /// passed (Zendesk queued nothing, so nothing is duplicated), until <see cref="ZendeskClientOptions.JobTimeout"/>
    /// after the first attempt; then <see cref="ZendeskRateLimitedException"/>. Returns any other refusal instead of
    /// results (the caller may fall back).
    /// </summary>
    internal async Task<(IReadOnlyList<ZendeskBulkItemResult>? Results, ZendeskResponse? Refusal)> RunAsync(
        ZendeskRequest submit,
        IReadOnlyList<ZendeskBulkInput> inputs,
        CancellationToken cancellationToken)
    {
        submit = submit with { QueuesJob = true };
        var limit = _api.Account.BulkJobs;
        var deadline = _api.Time.GetUtcNow() + _api.Options.JobTimeout;
        await limit.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var held = true;
        try
        {
            for (var refusals = 0; ; refusals++)
            {
                var response = await _api.SendAsync(submit, cancellationToken).ConfigureAwait(false);
                if (response.JobLimitRetryAfter is { } retryAfter)
                {
                    if (_api.Time.GetUtcNow() >= deadline)
                    {
                        throw new ZendeskRateLimitedException(submit.Endpoint, retryAfter);
                    }

                    held = false;
                    await limit.RefusedAsync(retryAfter, _api.DelayAsync, cancellationToken).ConfigureAwait(false);
                    held = true;
                    LogJobRefused(_api.Logger, _api.Connection.Subdomain, submit.Endpoint, refusals + 1, limit.Limit);
                    continue;
                }

                if (!response.IsSuccess)
                {
                    return (null, response);
                }

                limit.Accepted();
                var job = ZendeskJson.Property<ZendeskJobStatus>(response.Body, "job_status", submit.Endpoint);
                LogJobQueued(_api.Logger, job.Id, _api.Connection.Subdomain, submit.Endpoint, inputs.Count);
                job = await WaitAsync(job, cancellationToken).ConfigureAwait(false);
                return (MapResults(job, inputs), null);
            }
        }
        finally
        {
            if (held)
            {
                limit.Release();
            }
        }
    }

    /// <summary>
    /// Maps a finished job's results to the inputs. A result with <c>index</c> (bulk create) goes to that position.
    /// Results without it (live <c>create_or_update_many</c> answers <c>{id, status, email}</c> in request order) go by
    /// position within the job when there is one result per input and no position contradicts a known id; otherwise
    /// by <c>id</c> (only an input's known id: a failure's id can be a small number that names no record), then
    /// <c>external_id</c> or <c>email</c> (case-insensitive), then in order. Inputs without a result fail.
    /// </summary>
    internal static IReadOnlyList<ZendeskBulkItemResult> MapResults(ZendeskJobStatus job, IReadOnlyList<ZendeskBulkInput> inputs)
    {
        var results = Results(job, "job_statuses.show");
        var mapped = new ZendeskBulkItemResult?[inputs.Count];
        var rest = new List<ZendeskJobResult>();
        foreach (var result in results)
        {
            if (result.Index is { } index && index >= 0 && index < inputs.Count && mapped[index] is null)
            {
                mapped[index] = ToItem(inputs[index], result, job.Id);
            }
            else
            {
                rest.Add(result);
            }
        }

        if (rest.Count > 0 && results.Count == inputs.Count && rest.All(r => r.Index is null) && ByPositionHolds(results, inputs))
        {
            for (var i = 0; i < results.Count; i++)
            {
                mapped[i] ??= ToItem(inputs[i], results[i], job.Id);
            }

            rest.Clear();
        }

        var unmatched = new List<ZendeskJobResult>();
        foreach (var result in rest)
        {
            if (Locate(result, inputs, mapped) is { } p)
            {
                mapped[p] = ToItem(inputs[p], result, job.Id);
            }
            else
            {
                unmatched.Add(result);
            }
        }

        foreach (var result in unmatched)
        {
            var free = Array.FindIndex(mapped, m => m is null);
            if (free < 0)
            {
                break;
            }

            mapped[free] = ToItem(inputs[free], result, job.Id);
        }

        var missing = job.Status == "completed"
            ? ZendeskRecordError.FromJobResult("NoResult", $"Job {job.Id} finished without a result for this record.")
            : ZendeskRecordError.FromJobResult("JobFailed", $"Job {job.Id} ended '{job.Status}': {job.Message}");
        return [.. mapped.Select((m, i) => m ?? new ZendeskBulkItemResult(inputs[i].Index, inputs[i].Id, inputs[i].ExternalId, null, missing, job.Id))];
    }

    /// <summary>Whether the i-th result can be the i-th input's: no successful result names another record than a known id, email or external_id
    /// says.</summary>
    private static bool ByPositionHolds(IReadOnlyList<ZendeskJobResult> results, IReadOnlyList<ZendeskBulkInput> inputs)
    {
        for (var i = 0; i < results.Count; i++)
        {
            var (result, input) = (results[i], inputs[i]);
            if (IsFailure(result))
            {
                continue;
            }

            if ((input.Id is { } known && result.Id is { } id && id != known)
                || (result.Email is { } email && input.Email is { } sent && !string.Equals(email, sent, StringComparison.OrdinalIgnoreCase))
                || (result.ExternalId is { } ext && input.ExternalId is { } sentExt && !string.Equals(ext, sentExt, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return true;
    }

    private static int? Locate(ZendeskJobResult result, IReadOnlyList<ZendeskBulkInput> inputs, ZendeskBulkItemResult?[] mapped)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            if (mapped[i] is null && result.Id is { } id && inputs[i].Id == id)
            {
                return i;
            }
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            if (mapped[i] is null
                && ((result.ExternalId is { } ext && string.Equals(inputs[i].ExternalId, ext, StringComparison.OrdinalIgnoreCase))
                    || (result.Email is { } email && string.Equals(inputs[i].Email, email, StringComparison.OrdinalIgnoreCase))))
            {
                return i;
            }
        }

        return null;
    }

    private static bool IsFailure(ZendeskJobResult result) =>
        result.Success == false || result.Error is not null || string.Equals(result.Status, "Failed", StringComparison.OrdinalIgnoreCase);

    private static ZendeskBulkItemResult ToItem(ZendeskBulkInput input, ZendeskJobResult result, string jobId)
    {
        var failed = IsFailure(result);
        var details = result.Details switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Null } => null,
            { } other => other.GetRawText(),
        };
        return new ZendeskBulkItemResult(
            input.Index,
            failed ? input.Id : result.Id ?? input.Id, // a failure's id may name no record
            input.ExternalId,
            result.Action ?? ActionOf(result.Status),
            failed ? ZendeskRecordError.FromJobResult(result.Error ?? result.Status, details) : null,
            jobId);
    }

    /// <summary>The action a live <c>create_or_update_many</c> result states by its <c>status</c> alone.</summary>
    private static string? ActionOf(string? status) => status switch
    {
        _ when string.Equals(status, "Created", StringComparison.OrdinalIgnoreCase) => "create",
        _ when string.Equals(status, "Updated", StringComparison.OrdinalIgnoreCase) => "update",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zendesk {Subdomain} queued job {JobId} for {Endpoint} with {Count} records")]
    private static partial void LogJobQueued(ILogger logger, string jobId, string subdomain, string endpoint, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zendesk {Subdomain} refused a {Endpoint} job for too many jobs queued or running "
        + "(refusal {Refusals}); submitting it again with at most {Limit} jobs in flight")]
    private static partial void LogJobRefused(ILogger logger, string subdomain, string endpoint, int refusals, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Zendesk {Subdomain} job {JobId} finished {Status} ({Total} records)")]
    private static partial void LogJobFinished(ILogger logger, string jobId, string subdomain, string status, int? total);
}
