using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Source;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>A page read in this call: where it started, what it read, where it leads, and its Zendesk work.</summary>
internal sealed record PageInFlight(
    PageCheckpoint From,
    IReadOnlyList<AcumaticaRecord> Page,
    PagePartition Partition,
    PageAdvance Advance,
    HashSet<string> Claims,
    Task<IReadOnlyList<WorkItem>> Work)
{
    /// <summary>What a page's records could collide on with another page: their keys and (users) e-mails.</summary>
    public static HashSet<string> ClaimsOf(IEnumerable<AcumaticaRecord> records)
    {
        var claims = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in records)
        {
            claims.Add($"key:{record.Key}");
            if (record is AcumaticaPerson { Email: { } email } && !string.IsNullOrWhiteSpace(email))
            {
                claims.Add($"email:{email.Trim()}");
            }
        }

        return claims;
    }
}
