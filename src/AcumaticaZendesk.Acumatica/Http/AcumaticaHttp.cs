using System.Net;
using System.Text.Json;
using AcumaticaZendesk.Acumatica.Errors;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AcumaticaZendesk.Acumatica.Http;

/// <summary>Transport helpers shared by the entity client, the OAuth service and the cookie sessions.</summary>
internal static class AcumaticaHttp
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client (resilience pipeline keyed per authority).</summary>
    public const string ClientName = "AcumaticaZendesk.Acumatica";

    /// <summary>Sends; network failures, timeouts and an open circuit become <see cref="AcumaticaTransientException"/>.</summary>
    public static async Task<HttpResponseMessage> SendOrTransientAsync(
        HttpClient http,
        HttpRequestMessage request,
        bool writesData,
        CancellationToken cancellationToken)
    {
        var what = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new AcumaticaResponseTooLargeException(what, http.MaxResponseContentBufferSize, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new AcumaticaTransientException($"Acumatica request {what} failed: {ex.Message}", null, null, writesData, ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new AcumaticaTransientException($"Acumatica request {what} timed out.", null, null, writesData, ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new AcumaticaTransientException(
                $"Acumatica request {what} was not sent: the circuit for this instance is open after repeated failures.",
                null,
                null,
                false,
                ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AcumaticaTransientException($"Acumatica request {what} timed out.", null, null, writesData, ex);
        }
    }

    /// <summary>Maps a non-success status that is not handled more specifically.</summary>
    public static AcumaticaException StatusToTransientOrRequest(HttpResponseMessage response, string what, bool writesData, string? body = null)
    {
        var status = response.StatusCode;
        if (IsTransient(status))
        {
            return new AcumaticaTransientException(
                $"{what} failed with {(int)status} {status}; retry later.",
                status,
                RetryAfter(response),
                writesData && status != HttpStatusCode.TooManyRequests);
        }

        var detail = body is null ? null : ReadHttpErrorMessage(body);
        var hint = status == HttpStatusCode.Forbidden ? " The Acumatica user lacks rights on the screen behind this entity." : string.Empty;
        return new AcumaticaRequestException($"{what} failed with {(int)status} {status}{(detail is null ? "." : $": {detail}")}{hint}", status);
    }

    /// <summary>
    /// The <c>exceptionType</c> of the 500 the contract-based API answers for a record addressed by key or id that
    /// does not exist (GET and DELETE by key/id; the spec lists no 404 for these routes).
    /// </summary>
    public const string NoEntityExceptionType = "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException";

    /// <summary>
    /// Whether a 500 body is Acumatica's "No entity satisfies the condition." (the record is missing), told by its
    /// <c>exceptionType</c>. Any other 500 is a server failure.
    /// </summary>
    public static bool IsNoEntity(HttpStatusCode status, string? body)
    {
        if (status != HttpStatusCode.InternalServerError || string.IsNullOrWhiteSpace(body))
            return false;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object &&
                   doc.RootElement.TryGetProperty("exceptionType", out var type) && type.ValueKind == JsonValueKind.String &&
                   string.Equals(type.GetString(), NoEntityExceptionType, StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// For the resilience pipeline: whether an answer is the "no entity" 500, which is an answer (the record is
    /// missing), not a failure to retry or to count towards the circuit. Reads a 500's body into the buffer (bounded by
    /// <paramref name="maxBytes"/>), so the client reads it again afterwards.
    /// </summary>
    public static async ValueTask<bool> IsNoEntityAnswerAsync(HttpResponseMessage? response, long maxBytes, CancellationToken cancellationToken)
    {
        if (response is not { StatusCode: HttpStatusCode.InternalServerError })
            return false;
        try
        {
            await response.Content.LoadIntoBufferAsync(maxBytes, cancellationToken).ConfigureAwait(false);
            return IsNoEntity(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>What the resilience pipeline retries and counts against the circuit: a transient outcome that is not the "no entity" 500.</summary>
    public static async ValueTask<bool> IsFailureAsync(Outcome<HttpResponseMessage> outcome, long maxBytes, CancellationToken cancellationToken) =>
        HttpClientResiliencePredicates.IsTransient(outcome) && !IsAccessDenied(outcome.Exception)
        && !await IsNoEntityAnswerAsync(outcome.Result, maxBytes, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A connection refused as "access denied" (by the host's egress policy or the operating system): permanent, so
    /// neither retried nor counted against the instance's circuit.
    /// </summary>
    public static bool IsAccessDenied(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AccessDenied })
                return true;
        }

        return false;
    }

    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var h = response.Headers.RetryAfter;
        if (h?.Delta is { } delta)
            return delta;
        if (h?.Date is { } date)
        {
            var d = date - DateTimeOffset.UtcNow;
            return d > TimeSpan.Zero ? d : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>The useful text of an <c>HttpError</c> body (<c>exceptionMessage</c>, else <c>message</c>), truncated.</summary>
    public static string? ReadHttpErrorMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return null;
            foreach (var name in (string[])["exceptionMessage", "message", "error"])
            {
                if (doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()))
                    return Truncate(v.GetString()!);
            }

            return null;
        }
        catch (JsonException)
        {
            return Truncate(body);
        }
    }

    /// <summary>Collects the record-level <c>error</c> and every per-field <c>error</c> of a 422 body (also inside linked and detail entities).</summary>
    public static (string? EntityError, IReadOnlyList<AcumaticaFieldError> FieldErrors) ReadValidationErrors(string body)
    {
        var fields = new List<AcumaticaFieldError>();
        string? entityError = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
                root = root[0];
            if (root.ValueKind != JsonValueKind.Object)
                return (ReadHttpErrorMessage(body), fields);
            if (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
                entityError = e.GetString();
            CollectFieldErrors(root, string.Empty, fields);
            if (root.TryGetProperty("modelState", out var modelState) && modelState.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in modelState.EnumerateObject())
                {
                    foreach (var msg in p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray() : Enumerable.Empty<JsonElement>())
                        fields.Add(new AcumaticaFieldError(p.Name, msg.ToString()));
                }

                entityError ??= ReadHttpErrorMessage(body);
            }
        }
        catch (JsonException)
        {
            entityError = Truncate(body);
        }

        return (entityError, fields);
    }

    private static void CollectFieldErrors(JsonElement entity, string prefix, List<AcumaticaFieldError> fields)
    {
        foreach (var p in entity.EnumerateObject())
        {
            if (p.Name is "error" or "_links" or "custom" or "files" or "modelState")
                continue;
            var path = prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}";
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Object when p.Value.TryGetProperty("error", out var fe)
                    && fe.ValueKind == JsonValueKind.String
                    && !p.Value.TryGetProperty("id", out _):
                    fields.Add(new AcumaticaFieldError(path, fe.GetString()!));
                    break;
                case JsonValueKind.Object:
                    CollectNested(p.Value, path, fields);
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in p.Value.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.Object)
                            CollectNested(item, $"{path}[{i}]", fields);
                        i++;
                    }

                    break;
            }
        }
    }

    private static void CollectNested(JsonElement linked, string path, List<AcumaticaFieldError> fields)
    {
        if (linked.TryGetProperty("error", out var le) && le.ValueKind == JsonValueKind.String)
            fields.Add(new AcumaticaFieldError(path, le.GetString()!));
        CollectFieldErrors(linked, path, fields);
    }

    private static string Truncate(string s) => s.Length <= 500 ? s : s[..500] + "…";
}
