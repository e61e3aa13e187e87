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

    /// <summary>Reads a JSON body with the core's settings; a malformed body becomes errors named by their JSON path.</summary>
    public static async Task<(T? Value, IReadOnlyList<ValidationError> Errors)> ReadBodyAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, SyncJson.Options, cancellationToken).ConfigureAwait(false);
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
