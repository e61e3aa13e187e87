namespace AcumaticaZendesk.Zendesk;

/// <summary>Helpers for Zendesk's 100-per-call limits.</summary>
internal static class ZendeskBatching
{
    public const int MaxPerCall = 100;

    /// <summary>Distinct, non-blank external ids (case-insensitive, first spelling kept).</summary>
    public static List<string> DistinctExternalIds(IEnumerable<string> externalIds)
    {
        ArgumentNullException.ThrowIfNull(externalIds);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return [.. externalIds.Where(id => !string.IsNullOrWhiteSpace(id) && seen.Add(id))];
    }

    /// <summary>The comma-separated query value for <c>show_many?external_ids=</c>.</summary>
    public static string JoinForQuery(IEnumerable<string> values) => string.Join(',', values.Select(Uri.EscapeDataString));
}
