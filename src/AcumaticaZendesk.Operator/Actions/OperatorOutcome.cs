using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Http;

namespace AcumaticaZendesk.Operator.Actions;

/// <summary>
/// What an operator action answered: a value, or a refusal with its HTTP status and words (the API answers it as a
/// problem, the console shows it), or validation errors named by field.
/// </summary>
public sealed record OperatorOutcome<T>(T? Value, int Status, string? Title, string? Detail, IReadOnlyList<ValidationError> Errors)
    where T : class
{
    public bool Succeeded => Value is not null;

    public static OperatorOutcome<T> Done(T value, int status = StatusCodes.Status200OK) => new(value, status, null, null, []);

    public static OperatorOutcome<T> Refused(int status, string title, string detail) => new(null, status, title, detail, []);

    public static OperatorOutcome<T> Invalid(string path, string message) =>
        new(null, StatusCodes.Status400BadRequest, "The request is invalid.", $"{path}: {message}", [new ValidationError(path, message)]);
}
