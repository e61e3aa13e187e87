using System.Text;

namespace AcumaticaZendesk.Sync.Mapping;

/// <summary>Zendesk tags: lower-case, no spaces (a space would split a tag); everything else becomes '_'.</summary>
public static class Tags
{
    public static string? Make(string prefix, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var builder = new StringBuilder(prefix.Length + value.Length + 1);
        builder.Append(prefix);
        if (prefix.Length > 0)
        {
            builder.Append('_');
        }

        foreach (var ch in value.Trim().ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '_');
        }

        return builder.ToString();
    }

    public static IReadOnlyList<string> Normalize(IEnumerable<string?> tags) =>
        tags.OfType<string>().Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}
