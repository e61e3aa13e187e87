using System.Text.Json;
using AcumaticaZendesk.Zendesk.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Zendesk.Jobs;

/// <summary>One record of a bulk request: its position in the caller's list and the keys results may carry.</summary>
internal sealed record ZendeskBulkInput(int Index, long? Id, string? ExternalId);

/// <summary>
/// Background jobs: status reads, polling until a job finishes, and mapping a finished job's per-item results
/// back to the records that were sent. Jobs of one account run at most
/// <see cref="ZendeskClientOptions.MaxConcurrentBulkJobs"/> at a time from this process.
/// </summary>
public sealed partial class ZendeskJobsClient
{
    private readonly ZendeskApiConnection _api;

    internal ZendeskJobsClient(ZendeskApiConnection api) => _api = api;

    /// <summary><c>GET /api/v2/job_statuses/{id}</c>.</summary>
    public Task<ZendeskJobStatus> GetAsync(string jobId, CancellationToken cancellationToken) =>
        ZendeskJobPoller.ShowAsync(_api, jobId, cancellationToken);

    /// <summary>A job status; a finished job's results must be readable too (else the status is read again).</summary>
    internal static ZendeskJobStatus ReadStatus(byte[] body, string endpoint) => Readable(ZendeskJson.Property<ZendeskJobStatus>(body, "job_status", endpoint), endpoint);

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
    /// a little longer once this account's jobs were seen still running at their first poll), then at intervals growing by <see cref="ZendeskClientOptions.JobPollBackoff"/> up to
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
    /// Submits a bulk request holding one of the account's job slots, waits for the job and maps its results.
    /// Returns the refusal instead when Zendesk does not accept the job (the caller may fall back).
    /// </summary>
    internal async Task<(IReadOnlyList<ZendeskBulkItemResult>? Results, ZendeskResponse? Refusal)> RunAsync(
        ZendeskRequest submit,
        IReadOnlyList<ZendeskBulkInput> inputs,
        CancellationToken cancellationToken)
    {
        var slots = _api.Account.BulkJobSlots;
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await _api.SendAsync(submit, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return (null, response);
            }

            var job = ZendeskJson.Property<ZendeskJobStatus>(response.Body, "job_status", submit.Endpoint);
            LogJobQueued(_api.Logger, job.Id, _api.Connection.Subdomain, submit.Endpoint, inputs.Count);
            job = await WaitAsync(job, cancellationToken).ConfigureAwait(false);
            return (MapResults(job, inputs), null);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// Maps a finished job's results to the inputs: by <c>index</c> (position in the request), else by
    /// <c>id</c>, else by <c>external_id</c> (case-insensitive), else in order; inputs without a result fail.
    /// </summary>
    internal static IReadOnlyList<ZendeskBulkItemResult> MapResults(ZendeskJobStatus job, IReadOnlyList<ZendeskBulkInput> inputs)
    {
        var results = Results(job, "job_statuses.show");
        var mapped = new ZendeskBulkItemResult?[inputs.Count];
        var unmatched = new List<ZendeskJobResult>();
        foreach (var result in results)
        {
            var position = Locate(result, inputs, mapped);
            if (position is { } p)
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

    private static int? Locate(ZendeskJobResult result, IReadOnlyList<ZendeskBulkInput> inputs, ZendeskBulkItemResult?[] mapped)
    {
        if (result.Index is { } index && index >= 0 && index < inputs.Count && mapped[index] is null)
        {
            return index;
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            if (mapped[i] is null
                && ((result.Id is { } id && inputs[i].Id == id)
                    || (result.ExternalId is { } ext && string.Equals(inputs[i].ExternalId, ext, StringComparison.OrdinalIgnoreCase))))
            {
                return i;
            }
        }

        return null;
    }

    private static ZendeskBulkItemResult ToItem(ZendeskBulkInput input, ZendeskJobResult result, string jobId)
    {
        var failed = result.Success == false || result.Error is not null
            || string.Equals(result.Status, "Failed", StringComparison.OrdinalIgnoreCase);
        var details = result.Details switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Null } => null,
            { } other => other.GetRawText(),
        };
        return new ZendeskBulkItemResult(
            input.Index,
            result.Id ?? input.Id,
            input.ExternalId,
            result.Action,
            failed ? ZendeskRecordError.FromJobResult(result.Error ?? result.Status, details) : null,
            jobId);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zendesk {Subdomain} queued job {JobId} for {Endpoint} with {Count} records")]
    private static partial void LogJobQueued(ILogger logger, string jobId, string subdomain, string endpoint, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Zendesk {Subdomain} job {JobId} finished {Status} ({Total} records)")]
    private static partial void LogJobFinished(ILogger logger, string jobId, string subdomain, string status, int? total);
}
