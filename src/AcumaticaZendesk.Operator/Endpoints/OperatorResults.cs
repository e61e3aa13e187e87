using System.Text.Json;
using System.Text.RegularExpressions;
using AcumaticaZendesk.Sync.Json;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AcumaticaZendesk.Operator.Endpoints;

/// <summary>Responses of the operator API: JSON with the core's settings (camelCase, kebab-case enums) and RFC 7807 problems.</summary>
internal static partial class OperatorResults
{
    public static JsonHttpResult<T> Json<T>(T value, int statusCode = StatusCodes.Status200OK) =>
        TypedResults.Json(value, SyncJson.Options, statusCode: statusCode);

    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static ValidationProblem Invalid(string title, IEnumerable<ValidationError> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: title);

    /// <summary>An action's outcome: its value as JSON with its status, or its refusal as a problem (validation errors named by field).</summary>
    public static IResult Outcome<T>(Actions.OperatorOutcome<T> outcome)
        where T : class =>
        outcome.Value is { } value ? Json(value, outcome.Status)
        : outcome.Errors.Count > 0 ? Invalid(outcome.Title ?? "The request is invalid.", outcome.Errors)
        : Problem(outcome.Status, outcome.Title ?? "Refused", outcome.Detail ?? string.Empty);

    public static ValidationProblem Invalid(string title, string path, string message) => Invalid(title, [new ValidationError(path, message)]);

    /// <summary>
    /// The core's JSON settings for request bodies, refusing a property given twice (also in another letter case): an
    /// ambiguous document (which <c>id</c>, which <c>instanceUrl</c>?) is an error named at the property, not "the last one wins".
    /// </summary>
    private static readonly JsonSerializerOptions BodyOptions = new(SyncJson.Options) { AllowDuplicateProperties = false };

    /// <summary>Reads a JSON body with <see cref="BodyOptions"/>; a malformed body becomes errors named by their JSON path.</summary>
    public static async Task<(T? Value, IReadOnlyList<ValidationError> Errors)> ReadBodyAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var body = await ReadLimitedAsync(request, cancellationToken).ConfigureAwait(false);
            var value = JsonSerializer.Deserialize<T>(body.Span, BodyOptions);
            return value is null ? (null, [new ValidationError("$", "a JSON object is required")]) : (value, []);
        }
        catch (JsonException ex)
        {
            var missing = MissingRequired().Match(ex.Message);
            if (missing.Success)
            {
                var prefix = ex.Path is { Length: > 2 } p ? p[2..] + "." : string.Empty;
                return (null, Quoted().Matches(missing.Groups[1].Value).Select(m => new ValidationError(prefix + m.Groups[1].Value, "is required")).ToArray());
            }

            var path = ex.Path is { Length: > 2 } q ? q[2..] : "$";
            return (null, [new ValidationError(path, $"has an invalid value or the JSON is malformed ({FirstSentence(ex.Message)})")]);
        }
    }

    /// <summary>Largest request body the operator API reads (a tenant configuration is a few KiB).</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>The body, read up to <see cref="MaxBodyBytes"/>; more is refused with <see cref="RequestBodyTooLargeException"/> (413).</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new RequestBodyTooLargeException(MaxBodyBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new RequestBodyTooLargeException(MaxBodyBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot < 0 ? message : message[..dot];
    }

    [GeneratedRegex("missing required properties including: (.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex MissingRequired();

    [GeneratedRegex("'([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();
}

/// <summary>A request body over <see cref="OperatorResults.MaxBodyBytes"/>; answered 413 and not read further.</summary>
internal sealed class RequestBodyTooLargeException(int maxBytes)
    : Exception($"The request body is larger than {maxBytes} bytes; the operator API reads at most that much.");
