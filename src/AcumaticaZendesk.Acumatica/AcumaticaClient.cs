using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AcumaticaZendesk.Acumatica.Activities;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.Http;
using AcumaticaZendesk.Acumatica.Json;
using AcumaticaZendesk.Acumatica.Model;
using AcumaticaZendesk.Acumatica.Reading;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Acumatica;

internal sealed partial class AcumaticaClient(
    AcumaticaConnection connection,
    IAcumaticaAuthenticator authenticator,
    IHttpClientFactory httpClientFactory,
    AcumaticaRecordLimits limits,
    ILogger<AcumaticaClient> logger) : IAcumaticaClient
{
    private const string ActivityEntity = "Activity";
    private static readonly string[] ActivitySelect =
        ["Summary", "Type", "Status", "RelatedEntityType", "RelatedEntityNoteID", "NoteID", "CreatedDateTime", "LastModifiedDateTime"];

    private AcumaticaEndpointCatalog? _catalog;

    private enum Kind
    {
        Read,
        Update,
        Create,
    }

    public AcumaticaConnection Connection => connection;

    public async Task<AcumaticaEndpointCatalog> GetEndpointsAsync(CancellationToken cancellationToken)
    {
        if (_catalog is { } cached)
            return cached;

        // Documented as callable without signing in; some sites require a session, so fall back to one.
        var http = httpClientFactory.CreateClient(AcumaticaHttp.ClientName);
        using var anonymous = NewRequest(HttpMethod.Get, connection.EntityIndexUrl);
        var response = await AcumaticaHttp.SendOrTransientAsync(http, anonymous, writesData: false, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            response.Dispose();
            await using var lease = await authenticator.AcquireAsync(cancellationToken).ConfigureAwait(false);
            response = await SendAuthenticatedAsync(() =>
                NewRequest(HttpMethod.Get, connection.EntityIndexUrl), Kind.Read, cancellationToken).ConfigureAwait(false);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new AcumaticaVersionMismatchException(
                    connection.Endpoint,
                    connection.InstanceRoot,
                    [],
                    $"GET {connection.EntityIndexUrl.AbsolutePath} returned 404");
            if (!response.IsSuccessStatusCode)
                throw AcumaticaHttp.StatusToTransientOrRequest(response, "Listing the Acumatica endpoints (GET /entity)", writesData: false, body);
            try
            {
                return _catalog = AcumaticaEndpointCatalog.Parse(body);
            }
            catch (JsonException ex)
            {
                throw new AcumaticaVersionMismatchException(connection.Endpoint, connection.InstanceRoot, [], $"GET /entity did not return JSON: {ex.Message}");
            }
        }
    }

    public async Task EnsureEndpointAvailableAsync(CancellationToken cancellationToken)
    {
        var catalog = await GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
        if (!catalog.Offers(connection.EndpointName, connection.EndpointVersion))
            throw new AcumaticaVersionMismatchException(connection.Endpoint, connection.InstanceRoot, catalog.Endpoints);
    }

    public async Task<TResult> WithSessionAsync<TResult>(Func<IAcumaticaClient, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var lease = await authenticator.AcquireAsync(cancellationToken).ConfigureAwait(false);
        return await work(this, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IAsyncDisposable> OpenSessionAsync(CancellationToken cancellationToken) => authenticator.AcquireAsync(cancellationToken);

    public async Task<T?> GetAsync<T>(AcumaticaEntitySet<T> set, string key, CancellationToken cancellationToken)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var url = EntityUrl($"{set.EntityName}/{Uri.EscapeDataString(key)}", Query(set.Select, set.Expand, filter: null, top: null, skip: null));
        string text;
        try
        {
            text = await SendForTextAsync(HttpMethod.Get, url, null, Kind.Read, set.EntityName, cancellationToken).ConfigureAwait(false);
        }
        catch (AcumaticaNotFoundException)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            return AcumaticaRecordReader.TryRead<T>(doc.RootElement, set.EntityName, set.KeyField, limits, 0, out var item, out var refusal)
                ? item
                : throw new AcumaticaMalformedRecordException(refusal with { Key = refusal.Key ?? key });
        }
        catch (JsonException ex)
        {
            throw new AcumaticaMalformedRecordException(
                new AcumaticaRejectedRecord(0, key, null, null, AcumaticaRecordReader.Malformed, $"the {set.EntityName} answer is not JSON ({ex.Message})"));
        }
    }

    public async Task<AcumaticaPage<T>> ReadPageAsync<T>(
        AcumaticaEntitySet<T> set,
        DateTimeOffset? since,
        int skip,
        int top,
        CancellationToken cancellationToken)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var filter = since is { } s ? $"{AcumaticaEntitySet<T>.LastModifiedField} ge datetimeoffset'{AcumaticaJson.FormatDateTimeOffset(s)}'" : null;
        var url = EntityUrl(set.EntityName, Query(set.Select, set.Expand, filter, top, skip));
        List<T> items;
        List<AcumaticaRejectedRecord> rejected;
        try
        {
            var (document, bytes) = await SendForDocumentAsync(url, set.EntityName, cancellationToken).ConfigureAwait(false);
            using (document)
            {
                (items, rejected) = document is null
                    ? ([], [])
                    : AcumaticaRecordReader.ReadPage<T>(document, bytes, set.EntityName, set.KeyField, limits, skip);
            }
        }
        catch (JsonException ex)
        {
            throw new AcumaticaRequestException($"Acumatica returned a {set.EntityName} page this client cannot read: {ex.Message}", HttpStatusCode.OK);
        }

        LogPage(logger, set.EntityName, connection.Tenant, skip, items.Count);
        foreach (var refusal in rejected)
            LogRecordRefused(logger, set.EntityName, connection.Tenant, refusal.Position, refusal.Code);
        return new AcumaticaPage<T>(items, since, skip, top) { Rejected = rejected };
    }

    public async IAsyncEnumerable<T> ReadChangedAsync<T>(
        AcumaticaEntitySet<T> set,
        DateTimeOffset? since,
        int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        await using var lease = await authenticator.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var skip = 0;
        while (true)
        {
            var page = await ReadPageAsync(set, since, skip, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
                yield return item;
            if (page.IsLastPage)
                yield break;
            skip = page.NextSkip;
        }
    }

    public async Task<IReadOnlyList<AcumaticaActivity>> FindActivitiesByMarkerAsync(AcumaticaActivityMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        var filter = $"substringof('{marker.Text.Replace("'", "''", StringComparison.Ordinal)}',Summary)";
        var url = EntityUrl(ActivityEntity, Query(ActivitySelect, [], filter, top: null, skip: null));
        var found = await SendForJsonAsync<List<AcumaticaActivity>>(HttpMethod.Get, url, null, Kind.Read, ActivityEntity, cancellationToken).ConfigureAwait(
            false)
            ?? [];

        // The server-side filter is a substring match; keep exact marker hits only, oldest first.
        return [.. found
            .Where(a => a.Summary?.Value?.Contains(marker.Text, StringComparison.Ordinal) == true)
            .OrderBy(a => a.CreatedDateTime?.Value ?? DateTimeOffset.MaxValue)
            .ThenBy(a => a.Id?.ToString() ?? "~", StringComparer.Ordinal)]; // a tie is broken the same way by every writer
    }

    public Task<AcumaticaActivity> CreateActivityAsync(AcumaticaActivityDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return WriteActivityAsync(draft.ToEntity(), Kind.Create, cancellationToken);
    }

    public Task<AcumaticaActivity> UpdateActivityAsync(Guid activityId, AcumaticaActivityDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (activityId == Guid.Empty)
            throw new ArgumentException("The activity id must not be empty.", nameof(activityId));
        return WriteActivityAsync(draft.ToEntity(activityId), Kind.Update, cancellationToken);
    }

    public async Task<AcumaticaActivityUpsertResult> UpsertActivityAsync(AcumaticaActivityDraft draft, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        await using var lease = await authenticator.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var existing = await FindActivitiesByMarkerAsync(draft.Marker, cancellationToken).ConfigureAwait(false);
        var target = existing.FirstOrDefault(a => a.Id is not null);
        if (target is null)
        {
            var created = await CreateActivityAsync(draft, cancellationToken).ConfigureAwait(false);

            // Another writer (a second worker replica handling the same new ticket) may have created one at the same
            // moment: every writer keeps the oldest and removes the others, so they settle on one activity.
            var after = await FindActivitiesByMarkerAsync(draft.Marker, cancellationToken).ConfigureAwait(false);
            var keep = after.FirstOrDefault(a => a.Id is not null);
            if (keep is null || keep.Id == created.Id)
            {
                var twins = await RemoveTwinsAsync(after, created.Id!.Value, cancellationToken).ConfigureAwait(false);
                return new AcumaticaActivityUpsertResult(created, Created: true, DuplicatesFound: twins);
            }

            var removed = await RemoveTwinsAsync(after, keep.Id!.Value, cancellationToken).ConfigureAwait(false);
            var settled = await UpdateActivityAsync(keep.Id!.Value, draft, cancellationToken).ConfigureAwait(false);
            return new AcumaticaActivityUpsertResult(settled, Created: false, DuplicatesFound: removed);
        }

        var duplicates = existing.Count > 1 ? await RemoveTwinsAsync(existing, target.Id!.Value, cancellationToken).ConfigureAwait(false) : 0;
        var updated = await UpdateActivityAsync(target.Id!.Value, draft, cancellationToken).ConfigureAwait(false);
        return new AcumaticaActivityUpsertResult(updated, Created: false, DuplicatesFound: duplicates);
    }

    public async Task DeleteActivityAsync(Guid activityId, CancellationToken cancellationToken)
    {
        if (activityId == Guid.Empty)
            throw new ArgumentException("The activity id must not be empty.", nameof(activityId));
        var url = EntityUrl($"{ActivityEntity}/{activityId}", string.Empty);
        try
        {
            await SendForTextAsync(HttpMethod.Delete, url, null, Kind.Update, ActivityEntity, cancellationToken).ConfigureAwait(false);
        }
        catch (AcumaticaNotFoundException)
        {
            // Already removed (by another writer settling the same twins): that is the outcome wanted.
        }
    }

    /// <summary>Removes every activity of <paramref name="found"/> but <paramref name="keep"/> (all carry one marker: our twins).</summary>
    private async Task<int> RemoveTwinsAsync(IReadOnlyList<AcumaticaActivity> found, Guid keep, CancellationToken cancellationToken)
    {
        var twins = found.Where(a => a.Id is { } id && id != keep).Select(a => a.Id!.Value).ToArray();
        if (twins.Length == 0)
            return 0;
        LogDuplicateActivities(logger, connection.Tenant, found.Count);
        foreach (var id in twins)
            await DeleteActivityAsync(id, cancellationToken).ConfigureAwait(false);
        return twins.Length;
    }

    private Task<AcumaticaActivity> WriteActivityAsync(AcumaticaActivity body, Kind kind, CancellationToken cancellationToken)
    {
        var url = EntityUrl(ActivityEntity, Query(ActivitySelect, [], filter: null, top: null, skip: null));
        return SendForJsonAsync<AcumaticaActivity>(HttpMethod.Put, url, body, kind, ActivityEntity, cancellationToken)!;
    }

    private async Task<TResult?> SendForJsonAsync<TResult>(
        HttpMethod method,
        Uri url,
        object? body,
        Kind kind,
        string entity,
        CancellationToken cancellationToken)
    {
        var text = await SendForTextAsync(method, url, body, kind, entity, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
            return default;
        try
        {
            return JsonSerializer.Deserialize<TResult>(text, AcumaticaJson.Options);
        }
        catch (JsonException ex)
        {
            throw new AcumaticaRequestException($"Acumatica returned a {entity} payload this client cannot read ({ex.Path}: {ex.Message}).", HttpStatusCode.OK);
        }
    }

    /// <summary>
    /// A GET whose 2xx answer is parsed straight from the buffered body (no string copy of a page that can run to
    /// megabytes; the document's buffers are pooled): the document and the body's size in bytes, or no document for an
    /// empty body. Any other answer is mapped to an <see cref="AcumaticaException"/>; a body that is not JSON throws
    /// <see cref="JsonException"/>.
    /// </summary>
    private Task<(JsonDocument? Document, long Bytes)> SendForDocumentAsync(Uri url, string entity, CancellationToken cancellationToken) =>
        SendCheckedAsync(HttpMethod.Get, url, null, Kind.Read, entity, ReadDocumentAsync, cancellationToken);

    private static async Task<(JsonDocument? Document, long Bytes)> ReadDocumentAsync(HttpContent content, CancellationToken cancellationToken)
    {
        // The body is already buffered (ResponseContentRead, bounded by MaxResponseBytes): a seekable stream over it.
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var length = stream.CanSeek ? stream.Length : long.MaxValue;
        try
        {
            return (await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false), length);
        }
        catch (JsonException) when (length <= 64 && IsBlank(stream))
        {
            return (null, length); // an empty (or whitespace) body: no records
        }
    }

    /// <summary>Whether a short, seekable (in-memory) body is empty or only whitespace.</summary>
    private static bool IsBlank(Stream stream)
    {
        stream.Position = 0;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty;
    }

    /// <summary>Sends with credentials and returns the body of a 2xx answer; maps any other answer to an <see cref="AcumaticaException"/>.</summary>
    private Task<string> SendForTextAsync(HttpMethod method, Uri url, object? body, Kind kind, string entity, CancellationToken cancellationToken) =>
        SendCheckedAsync(method, url, body, kind, entity, static (content, ct) => content.ReadAsStringAsync(ct), cancellationToken);

    /// <summary>Sends with credentials and reads a 2xx answer with <paramref name="read"/>; maps any other answer to an <see
    /// cref="AcumaticaException"/>.</summary>
    private async Task<T> SendCheckedAsync<T>(
        HttpMethod method,
        Uri url,
        object? body,
        Kind kind,
        string entity,
        Func<HttpContent, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        await using var lease = await authenticator.AcquireAsync(cancellationToken).ConfigureAwait(false);
        using var response = await SendAuthenticatedAsync(() => NewRequest(method, url, body), kind, cancellationToken).ConfigureAwait(false);
        LogResponse(logger, method.Method, entity, connection.Tenant, (int)response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw await MapFailureAsync(response, text, kind, entity, cancellationToken).ConfigureAwait(false);
        }

        return await read(response.Content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends with credentials; on 401 recovers once (refresh or new sign-in) and retries once, never more.</summary>
    private async Task<HttpResponseMessage> SendAuthenticatedAsync(Func<HttpRequestMessage> build, Kind kind, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(AcumaticaHttp.ClientName);
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            var stamp = await authenticator.ApplyAsync(request, cancellationToken).ConfigureAwait(false);
            var response = await AcumaticaHttp.SendOrTransientAsync(http, request, kind != Kind.Read, cancellationToken).ConfigureAwait(false);
            authenticator.OnResponse(stamp, response);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
                return response;
            response.Dispose();
            if (attempt == 2)
            {
                throw new AcumaticaAuthenticationException(
                    $"Acumatica rejected the credentials for tenant '{connection.Tenant}' even after renewing them; re-authorize the connection.",
                    needsReauthorization: true, HttpStatusCode.Unauthorized);
            }

            // A 401 means the request was not processed, so repeating it once (even a create) is safe.
            LogUnauthorized(logger, connection.Tenant);
            await authenticator.RecoverAsync(stamp, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AcumaticaException> MapFailureAsync(
        HttpResponseMessage response,
        string body,
        Kind kind,
        string entity,
        CancellationToken cancellationToken)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.UnprocessableEntity:
                var (entityError, fields) = AcumaticaHttp.ReadValidationErrors(body);
                return new AcumaticaValidationException(entity, entityError, fields, response.StatusCode);
            case HttpStatusCode.NotFound:
                // A routing miss (endpoint/version not installed) and a missing record both answer 404: ask the instance.
                var catalog = await GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
                if (!catalog.Offers(connection.EndpointName, connection.EndpointVersion))
                    return new AcumaticaVersionMismatchException(connection.Endpoint, connection.InstanceRoot, catalog.Endpoints);
                return new AcumaticaNotFoundException(entity, response.RequestMessage?.RequestUri?.AbsolutePath ?? "record");
            case HttpStatusCode.InternalServerError when AcumaticaHttp.IsNoEntity(response.StatusCode, body):
                // How the contract-based API says a record addressed by key or id does not exist (no 404 for these routes).
                return new AcumaticaNotFoundException(entity, response.RequestMessage?.RequestUri?.AbsolutePath ?? "record");
            case HttpStatusCode.BadRequest when body.Contains("\"modelState\"", StringComparison.Ordinal):
                var (message, modelErrors) = AcumaticaHttp.ReadValidationErrors(body);
                return new AcumaticaValidationException(entity, message, modelErrors, response.StatusCode);
            default:
                return AcumaticaHttp.StatusToTransientOrRequest(response, $"Acumatica {response.RequestMessage?.Method} {entity}", kind != Kind.Read, body);
        }
    }

    private static HttpRequestMessage NewRequest(HttpMethod method, Uri url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: AcumaticaJson.Options);
        return request;
    }

    private Uri EntityUrl(string path, string query) => new(connection.EndpointBaseUrl, path + query);

    /// <summary>Builds <c>?$select=…&amp;$expand=…&amp;$filter=…&amp;$top=…&amp;$skip=…</c> with the filter fully URL-encoded.</summary>
    internal static string Query(IReadOnlyList<string> select, IReadOnlyList<string> expand, string? filter, int? top, int? skip)
    {
        var sb = new StringBuilder();
        void Add(string name, string value) => sb.Append(sb.Length == 0 ? '?' : '&').Append(name).Append('=').Append(value);
        if (select.Count > 0)
            Add("$select", EscapeList(select));
        if (expand.Count > 0)
            Add("$expand", EscapeList(expand));
        if (filter is not null)
            Add("$filter", Uri.EscapeDataString(filter));
        if (top is { } t)
            Add("$top", t.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (skip is { } s)
            Add("$skip", s.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static string EscapeList(IReadOnlyList<string> fields) =>
        string.Join(',', fields.Select(f => string.Join('/', f.Split('/').Select(Uri.EscapeDataString))));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Acumatica {Method} {Entity} for tenant {Tenant} answered {StatusCode}")]
    private static partial void LogResponse(ILogger logger, string method, string entity, string tenant, int statusCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {Count} {Entity} records at skip {Skip} for tenant {Tenant}")]
    private static partial void LogPage(ILogger logger, string entity, string tenant, int skip, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused the {Entity} record at row {Position} for tenant {Tenant}: {Code}; the rest of the page goes "
        + "on")]
    private static partial void LogRecordRefused(ILogger logger, string entity, string tenant, int position, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Acumatica answered 401 for tenant {Tenant}; renewing credentials and retrying once")]
    private static partial void LogUnauthorized(ILogger logger, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Found {Count} activities with the same marker for tenant {Tenant}; keeping the oldest, deleting the "
        + "others")]
    private static partial void LogDuplicateActivities(ILogger logger, string tenant, int count);
}
