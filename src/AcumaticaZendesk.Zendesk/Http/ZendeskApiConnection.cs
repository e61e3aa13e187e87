using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AcumaticaZendesk.Zendesk.Auth;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Zendesk.Http;

/// <summary>One request to the Zendesk API.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="PathAndQuery">Path from the base URL, starting with <c>/api/v2/</c>.</param>
/// <param name="Endpoint">Logical name for metrics and logs (never contains ids or personal data).</param>
/// <param name="Idempotent">Safe to send again after 409 DatabaseConflict, 5xx or a network error.</param>
/// <param name="Body">JSON body (never logged).</param>
/// <param name="IncrementalExport">Counts against the account's incremental-export window.</param>
internal sealed record ZendeskRequest(
    HttpMethod Method,
    string PathAndQuery,
    string Endpoint,
    bool Idempotent,
    byte[]? Body = null,
    bool IncrementalExport = false,
    bool QueuesJob = false);

/// <summary>
/// A final answer (after retries): status and body. <paramref name="JobLimitRetryAfter"/> is set on a 429 that refused a
/// job for too many jobs queued or running (<see cref="ZendeskApiConnection.SendAsync"/>), with the wait Zendesk asked for.
/// </summary>
internal sealed record ZendeskResponse(HttpStatusCode Status, byte[] Body, TimeSpan? JobLimitRetryAfter = null)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>
/// Sends requests for one account: bearer token (refreshed before expiry and once after a 401), the account's
/// rate budget and incremental-export window before sending, <c>Retry-After</c> on 429 for every call, and
/// back-off with jitter on 409/5xx/network errors for idempotent calls. All waits go through the injected
/// <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class ZendeskApiConnection(
    ZendeskConnection connection,
    HttpClient http,
    ZendeskAccessTokenProvider tokens,
    ZendeskAccountState account,
    ZendeskClientMetrics metrics,
    ZendeskClientOptions options,
    TimeProvider timeProvider,
    ILogger logger)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public ZendeskConnection Connection => connection;

    public ZendeskClientOptions Options => options;

    public ZendeskAccountState Account => account;

    public TimeProvider Time => timeProvider;

    public ILogger Logger => logger;

    /// <summary>
    /// A connection refused as "access denied" (by the host's egress policy or the operating system): permanent, so
    /// not retried.
    /// </summary>
    private static bool IsAccessDenied(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AccessDenied })
                return true;
        }

        return false;
    }

    public async Task<ZendeskResponse> SendAsync(ZendeskRequest request, CancellationToken cancellationToken)
    {
        var accessToken = await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        var refreshedAfterRejection = false;
        for (var attempt = 1; ; attempt++)
        {
            await WaitForBudgetAsync(request, cancellationToken).ConfigureAwait(false);

            HttpResponseMessage response;
            try
            {
                using var message = Build(request, accessToken);
                response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
            {
                metrics.Request(request.Endpoint, 0);
                throw new ZendeskBadResponseException(request.Endpoint,
                    string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"more than {http.MaxResponseContentBufferSize:N0} bytes (Zendesk:MaxResponseBytes)"), tooLarge: true, ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException
                                       && !cancellationToken.IsCancellationRequested
                                       && !IsAccessDenied(ex)
                                       && request.Idempotent && attempt < options.MaxAttempts)
            {
                var wait = Backoff(attempt);
                LogNetworkRetry(logger, request.Endpoint, connection.Subdomain, attempt, wait.TotalSeconds, ex.GetType().Name);
                metrics.Retry(request.Endpoint, wait);
                await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                var status = response.StatusCode;
                var now = timeProvider.GetUtcNow();
                account.Budget.Observe(response.Headers, now);
                metrics.Request(request.Endpoint, (int)status);
                LogResponse(logger, request.Method.Method, request.Endpoint, connection.Subdomain, (int)status, attempt);

                if (status == HttpStatusCode.Unauthorized)
                {
                    if (refreshedAfterRejection)
                    {
                        throw tokens.Reauthorize("a freshly refreshed access token was rejected");
                    }

                    refreshedAfterRejection = true;
                    accessToken = await tokens.RefreshAfterRejectionAsync(accessToken, cancellationToken).ConfigureAwait(false);
                    attempt--; // a refresh is not a retry
                    continue;
                }

                if (status == HttpStatusCode.TooManyRequests && request.QueuesJob && ZendeskRateBudget.LeavesRequests(response.Headers))
                {
                    // Requests are left in the minute, so this 429 is the job limit (30 queued or running per account),
                    // not the rate limit: the account is not blocked; the caller waits for a job to finish and submits again.
                    return new ZendeskResponse(status, body, RetryAfter(response, now) ?? options.DefaultRetryAfter);
                }

                if (status == HttpStatusCode.TooManyRequests)
                {
                    metrics.RateLimited(request.Endpoint);
                    var wait = RetryAfter(response, now) ?? options.DefaultRetryAfter;
                    account.Budget.BlockUntil(now + wait);
                    if (attempt >= options.MaxAttempts)
                    {
                        throw new ZendeskRateLimitedException(request.Endpoint, wait);
                    }

                    LogRateLimited(logger, request.Endpoint, connection.Subdomain, wait.TotalSeconds, attempt);
                    metrics.Retry(request.Endpoint, wait);
                    await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (IsTransient(status) && request.Idempotent && attempt < options.MaxAttempts)
                {
                    var wait = RetryAfter(response, now) ?? Backoff(attempt);
                    LogTransientRetry(logger, request.Endpoint, connection.Subdomain, (int)status, wait.TotalSeconds, attempt);
                    metrics.Retry(request.Endpoint, wait);
                    await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                return new ZendeskResponse(status, body);
            }
        }
    }

    /// <summary><c>GET {path}</c> of one record, read from the <paramref name="property"/> wrapper; null on 404.</summary>
    public Task<T?> ShowAsync<T>(string path, string property, string endpoint, CancellationToken cancellationToken)
        where T : class =>
        ShowAsync(path, endpoint, body => ZendeskJson.Property<T>(body, property, endpoint), cancellationToken);

    /// <summary>A GET of one record whose 2xx answer <paramref name="read"/> turns into the result (its sideloads too); null on 404.</summary>
    public async Task<T?> ShowAsync<T>(string path, string endpoint, Func<byte[], T> read, CancellationToken cancellationToken)
        where T : class
    {
        var request = new ZendeskRequest(HttpMethod.Get, path, endpoint, true);
        return await ReadAsync(request, response => response.Status == HttpStatusCode.NotFound
                ? null
                : response.IsSuccess ? read(response.Body) : throw Failure(request, response),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends and reads a 2xx answer with <paramref name="read"/> (anything else throws <see cref="ZendeskApiException"/>).
    /// An idempotent request whose answer cannot be read (<see cref="ZendeskBadResponseException"/>, e.g. a proxy's HTML
    /// page or a non-numeric id) is sent again with back-off, up to <see cref="ZendeskClientOptions.MaxAttempts"/>.
    /// </summary>
    public Task<T> GetJsonAsync<T>(ZendeskRequest request, Func<byte[], T> read, CancellationToken cancellationToken) =>
        ReadAsync(request, response => response.IsSuccess ? read(response.Body) : throw Failure(request, response), cancellationToken);

    private async Task<T> ReadAsync<T>(ZendeskRequest request, Func<ZendeskResponse, T> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            try
            {
                return read(response);
            }
            catch (ZendeskBadResponseException ex) when (request.Idempotent && !ex.TooLarge && attempt < options.MaxAttempts)
            {
                var wait = Backoff(attempt);
                LogBadAnswerRetry(logger, request.Endpoint, connection.Subdomain, wait.TotalSeconds, attempt);
                metrics.Retry(request.Endpoint, wait);
                await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends and throws <see cref="ZendeskApiException"/> on anything but 2xx.</summary>
    public async Task<ZendeskResponse> SendOrThrowAsync(ZendeskRequest request, CancellationToken cancellationToken)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response : throw Failure(request, response);
    }

    public ZendeskApiException Failure(ZendeskRequest request, ZendeskResponse response)
    {
        var error = ZendeskRecordError.FromResponse(response.Status, response.Body);
        return new ZendeskApiException(
            request.Endpoint,
            response.Status,
            error,
            $"Zendesk account '{connection.Subdomain}' answered {request.Method} {request.Endpoint} with {(int)response.Status} {response.Status}: "
                + $"{error.Code}.");
    }

    /// <summary>
    /// Reads every item of a cursor-paginated list (<c>page[size]</c>, <c>meta.has_more</c>,
    /// <c>meta.after_cursor</c> / <c>links.next</c>); never offset pagination.
    /// </summary>
    public async IAsyncEnumerable<T> PaginateAsync<T>(
        string path,
        string collection,
        string endpoint,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        string? after = null;
        var cursors = new HashSet<string>(StringComparer.Ordinal);
        for (var pages = 1; ; pages++)
        {
            var pathAndQuery = $"{path}{separator}page[size]={options.PageSize}"
                + (after is null ? "" : $"&page[after]={Uri.EscapeDataString(after)}");
            var (items, hasMore, next) = await GetJsonAsync(
                new ZendeskRequest(HttpMethod.Get, pathAndQuery, endpoint, true),
                body => ZendeskJson.Read(endpoint, () => ReadPage<T>(body, collection, endpoint)),
                cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                yield return item;
            }

            if (!hasMore || next is null)
            {
                yield break;
            }

            // Any cursor seen before (A, B, A, …, not only an immediate repeat) or too many pages: a listing that
            // would never end is refused with a clear error rather than followed.
            if (!cursors.Add(next))
            {
                throw new ZendeskBadResponseException(endpoint, $"a cursor it had already returned (page {pages}); the listing would never end");
            }

            if (pages >= options.MaxListPages)
            {
                throw new ZendeskBadResponseException(endpoint, $"more than Zendesk:MaxListPages ({options.MaxListPages}) pages");
            }

            after = next;
        }
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, timeProvider, cancellationToken);

    private static (List<T> Items, bool HasMore, string? After) ReadPage<T>(byte[] body, string collection, string endpoint)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var items = root.TryGetProperty(collection, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.Deserialize<List<T>>(ZendeskJson.Options) ?? []
            : throw new ZendeskBadResponseException(endpoint, $"a body without a '{collection}' array");
        var hasMore = root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("has_more", out var hm) && hm.ValueKind == JsonValueKind.True;
        string? after = meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("after_cursor", out var ac) && ac.ValueKind == JsonValueKind.String
            ? ac.GetString()
            : null;
        if (hasMore && after is null && root.TryGetProperty("links", out var links)
            && links.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String
            && Uri.TryCreate(next.GetString(), UriKind.Absolute, out var nextUrl))
        {
            after = QueryValue(nextUrl, "page[after]");
        }

        return (items, hasMore, after);
    }

    internal static string? QueryValue(Uri url, string name)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            if (key == name)
            {
                return eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }

    private async Task WaitForBudgetAsync(ZendeskRequest request, CancellationToken cancellationToken)
    {
        if (request.IncrementalExport)
        {
            for (var wait = account.IncrementalExports.TryAcquire(timeProvider.GetUtcNow()); wait > TimeSpan.Zero;
                 wait = account.IncrementalExports.TryAcquire(timeProvider.GetUtcNow()))
            {
                LogExportWindowWait(logger, connection.Subdomain, wait.TotalSeconds);
                metrics.Throttled(wait);
                await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        while (true)
        {
            var wait = account.Budget.NextDelay(timeProvider.GetUtcNow(), out var booked);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            LogBudgetWait(logger, connection.Subdomain, wait.TotalSeconds);
            metrics.Throttled(wait);
            await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
            if (booked)
            {
                return;
            }
        }
    }

    private HttpRequestMessage Build(ZendeskRequest request, string accessToken)
    {
        var message = new HttpRequestMessage(request.Method, connection.Url(request.PathAndQuery));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body) { Headers = { ContentType = Json } };
        }

        return message;
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.Conflict or HttpStatusCode.RequestTimeout
        || (int)status >= 500;

    private TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        if (wait is null && response.Headers.TryGetValues("Retry-After", out var raw)
            && double.TryParse(
                raw.FirstOrDefault(),
                System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture,
                out var seconds))
        {
            wait = TimeSpan.FromSeconds(seconds);
        }

        if (wait is null)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > options.RetryMaxDelay ? options.RetryMaxDelay : wait;
    }

    /// <summary>Exponential back-off with "equal jitter": half fixed, half random.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var exponential = options.RetryBaseDelay * Math.Pow(2, attempt - 1);
        var capped = exponential > options.RetryMaxDelay ? options.RetryMaxDelay : exponential;
        return capped / 2 + capped / 2 * Random.Shared.NextDouble();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zendesk {Subdomain} {Method} {Endpoint} → {Status} (attempt {Attempt})")]
    private static partial void LogResponse(ILogger logger, string method, string endpoint, string subdomain, int status, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} rate-limited {Endpoint}; waiting {Seconds} s (Retry-After) before attempt "
        + "{Attempt}+1")]
    private static partial void LogRateLimited(ILogger logger, string endpoint, string subdomain, double seconds, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} answered {Endpoint} with {Status}; retrying in {Seconds} s (attempt {Attempt})")]
    private static partial void LogTransientRetry(ILogger logger, string endpoint, string subdomain, int status, double seconds, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} {Endpoint} failed with {Error}; retrying in {Seconds} s (attempt {Attempt})")]
    private static partial void LogNetworkRetry(ILogger logger, string endpoint, string subdomain, int attempt, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} answered {Endpoint} with a body the client cannot read; asking again in {Seconds} "
        + "s (attempt {Attempt})")]
    private static partial void LogBadAnswerRetry(ILogger logger, string endpoint, string subdomain, double seconds, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zendesk {Subdomain} rate budget low; waiting {Seconds} s before sending")]
    private static partial void LogBudgetWait(ILogger logger, string subdomain, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zendesk {Subdomain} incremental export limit reached; waiting {Seconds} s")]
    private static partial void LogExportWindowWait(ILogger logger, string subdomain, double seconds);
}
