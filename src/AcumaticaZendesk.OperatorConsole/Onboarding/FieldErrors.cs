using System.Text.RegularExpressions;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.OperatorConsole.Onboarding;

/// <summary>
/// Validation errors of a posted form keyed by the field's JSON path (the paths <see cref="TenantValidator"/> and the
/// API use, e.g. <c>mapping.organization[0].source</c>), and the element ids that tie each error to its input
/// (<c>aria-describedby</c>, <c>aria-invalid</c>).
/// </summary>
public sealed partial class FieldErrors
{
    private readonly Dictionary<string, string> errors = new(StringComparer.Ordinal);

    public int Count => errors.Count;

    public IEnumerable<KeyValuePair<string, string>> All => errors;

    /// <summary>The input's id for a JSON path: <c>mapping.organization[0].source</c> → <c>f-mapping-organization-0-source</c>.</summary>
    public static string Id(string path) => "f-" + NotIdChars().Replace(path, "-").Trim('-');

    public static string ErrorId(string path) => Id(path) + "-error";

    public void Add(string path, string message)
    {
        errors[path] = errors.TryGetValue(path, out var earlier) ? $"{earlier}; {message}" : message;
    }

    public void AddRange(IEnumerable<ValidationError> validation)
    {
        foreach (var error in validation)
        {
            Add(error.Path, error.Message);
        }
    }

    public string? For(string path) => errors.GetValueOrDefault(path);

    public string Invalid(string path) => errors.ContainsKey(path) ? "true" : "false";

    public string? DescribedBy(string path) => errors.ContainsKey(path) ? ErrorId(path) : null;

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NotIdChars();
}
