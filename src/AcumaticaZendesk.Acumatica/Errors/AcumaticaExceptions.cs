using System.Net;

namespace AcumaticaZendesk.Acumatica.Errors;

/// <summary>Base of every error the Acumatica client raises. Messages never contain secrets or record bodies.</summary>
public abstract class AcumaticaException(string message, HttpStatusCode? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>True when the same call may succeed later without any change (back off, then retry).</summary>
    public abstract bool IsRetryable { get; }
}

/// <summary>One field-level message from a 422 (or a <c>modelState</c> entry of a 400).</summary>
/// <param name="Path">JSON path of the field, e.g. <c>CustomerID</c> or <c>Details[0].Project</c>.</param>
public sealed record AcumaticaFieldError(string Path, string Message);

/// <summary>422: the record was not saved; <see cref="FieldErrors"/> says why.</summary>
public sealed class AcumaticaValidationException(string entity, string? entityError, IReadOnlyList<AcumaticaFieldError> fieldErrors, HttpStatusCode statusCode)
    : AcumaticaException(BuildMessage(entity, entityError, fieldErrors), statusCode)
{
    public string Entity { get; } = entity;

    public string? EntityError { get; } = entityError;

    public IReadOnlyList<AcumaticaFieldError> FieldErrors { get; } = fieldErrors;

    public override bool IsRetryable => false;

    private static string BuildMessage(string entity, string? entityError, IReadOnlyList<AcumaticaFieldError> fieldErrors)
    {
        var fields = fieldErrors.Count == 0 ? "no field errors reported" : string.Join("; ", fieldErrors.Select(f => $"{f.Path}: {f.Message}"));
        return $"Acumatica rejected the {entity} record: {entityError ?? "validation failed"} ({fields}).";
    }
}

/// <summary>
/// A record addressed by key or id does not exist: a 500 with <c>exceptionType</c>
/// <c>PX.Api.ContractBased.NoEntitySatisfiesTheConditionException</c> (what the API answers), or a 404 on an offered
/// endpoint version (should a release answer so).
/// </summary>
public sealed class AcumaticaNotFoundException(string entity, string what)
    : AcumaticaException($"Acumatica {entity} {what} was not found.", HttpStatusCode.NotFound)
{
    public string Entity { get; } = entity;

    public override bool IsRetryable => false;
}

/// <summary>One endpoint an instance offers, from <c>GET /entity</c>.</summary>
public sealed record AcumaticaEndpointInfo(string Name, string Version, string? Href)
{
    public override string ToString() => $"{Name}/{Version}";
}

/// <summary>The configured endpoint name/version is not installed on the instance.</summary>
public sealed class AcumaticaVersionMismatchException(
    string configuredEndpoint,
    Uri instance,
    IReadOnlyList<AcumaticaEndpointInfo> available,
    string? detail = null)
    : AcumaticaException(BuildMessage(configuredEndpoint, instance, available, detail), HttpStatusCode.NotFound)
{
    public string ConfiguredEndpoint { get; } = configuredEndpoint;

    public IReadOnlyList<AcumaticaEndpointInfo> AvailableEndpoints { get; } = available;

    public override bool IsRetryable => false;

    private static string BuildMessage(string configured, Uri instance, IReadOnlyList<AcumaticaEndpointInfo> available, string? detail)
    {
        var offered = available.Count == 0
            ? "it lists no endpoints" + (detail is null ? string.Empty : $" ({detail})") + "; check the instance URL, including the instance path segment"
            : "it offers " + string.Join(", ", available.Select(a => a.ToString()));
        return $"The Acumatica endpoint '{configured}' configured for this tenant is not available on {instance}: {offered}. " +
               "Set the endpoint name/version to one the instance offers.";
    }
}

/// <summary>Sign-in failed or the grant is no longer valid; a person must re-authorize the connection.</summary>
public sealed class AcumaticaAuthenticationException(string message, bool needsReauthorization, HttpStatusCode? statusCode = null, Exception? inner = null)
    : AcumaticaException(message, statusCode, inner)
{
    /// <summary>True when only a new consent / new credentials can fix it (refresh token expired or revoked, bad password).</summary>
    public bool NeedsReauthorization { get; } = needsReauthorization;

    public override bool IsRetryable => false;
}

/// <summary>
/// "API Login Limit": the licence's maximum number of concurrent API sessions is reached. Retry after
/// other sessions close or expire.
/// </summary>
public sealed class AcumaticaLoginLimitException(string message, TimeSpan? retryAfter, HttpStatusCode? statusCode)
    : AcumaticaException(message, statusCode)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public override bool IsRetryable => true;
}

/// <summary>5xx, 429, timeouts, network failures, an open circuit: worth retrying later.</summary>
public sealed class AcumaticaTransientException(
    string message,
    HttpStatusCode? statusCode,
    TimeSpan? retryAfter,
    bool requestMayHaveBeenApplied,
    Exception? inner = null)
    : AcumaticaException(message, statusCode, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>
    /// True for a write whose outcome is unknown (e.g. a 500 or a timeout on a create). Acumatica has no
    /// idempotency key: look the record up (by its marker) before sending the write again.
    /// </summary>
    public bool RequestMayHaveBeenApplied { get; } = requestMayHaveBeenApplied;

    public override bool IsRetryable => true;
}

/// <summary>Any other rejected request (400, 403, 412 …): fix the request or the permissions.</summary>
public sealed class AcumaticaRequestException(string message, HttpStatusCode statusCode)
    : AcumaticaException(message, statusCode)
{
    public override bool IsRetryable => false;
}

/// <summary>A single record Acumatica returned could not be read (malformed, incomplete or over the size bounds).</summary>
public sealed class AcumaticaMalformedRecordException(Reading.AcumaticaRejectedRecord record)
    : AcumaticaException($"Acumatica returned a record the connector refuses: {record.Reason}.")
{
    public Reading.AcumaticaRejectedRecord Record { get; } = record;

    public override bool IsRetryable => false;
}

/// <summary>An answer larger than <c>Acumatica:Client:MaxResponseBytes</c>: refused without being buffered further.</summary>
public sealed class AcumaticaResponseTooLargeException(string what, long maxBytes, Exception? inner = null)
    : AcumaticaException(
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Acumatica answered {what} with more than {maxBytes:N0} bytes (Acumatica:Client:MaxResponseBytes); the answer was refused. Lower the page size "
                + $"or raise the bound."),
        null,
        inner)
{
    public long MaxBytes { get; } = maxBytes;

    public override bool IsRetryable => false;
}
