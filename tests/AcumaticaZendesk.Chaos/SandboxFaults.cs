using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// The faults the sandbox itself counted while a scenario ran (its evidence, independent of what the scenario or the
/// connector say), by kind:
/// <list type="bullet">
/// <item>"{system} {status}" for every refusal it answered: 400 (e.g. a refused grant), 401, 404, 429, 5xx and 499 (a
/// dropped connection), from
/// the request log's status counts (every request, not only the recent ones);</item>
/// <item>"{system} slow {method}" / "{system} malformed {method}": answers held back or broken on purpose;</item>
/// <item>"acumatica broken record": records the entity API answered broken (per instance);</item>
/// <item>"webhooks dropped", "webhook copies", "webhooks reordered": ticket webhook deliveries the sandbox dropped,
/// sent again, or delivered after a newer event of the same ticket.</item>
/// </list>
/// </summary>
public static class SandboxFaults
{
    /// <summary>The sandbox's fault counts for a scenario whose tenants are <paramref name="tenants"/>.</summary>
    public static SortedDictionary<string, int> Count(SandboxControl control, IEnumerable<string> tenants)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(tenants);
        var faults = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, count) in control.Requests.StatusCounts())
        {
            var parts = key.Split(' ');
            if (parts is [var system, var status] && system is "acumatica" or "zendesk" && int.TryParse(status, out var code) && IsFault(code))
            {
                Add(faults, key, (int)count);
            }
        }

        // Dropped connections and injected statuses are in the status counts already.
        foreach (var (kind, count) in control.TamperedAnswers.Where(
            t => t.Key.Contains(" slow ", StringComparison.Ordinal) || t.Key.Contains(" malformed ", StringComparison.Ordinal)))
        {
            Add(faults, kind, count);
        }

        var names = tenants.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var tenant in names)
        {
            Add(faults, "acumatica broken record", control.BrokenRecordsAnswered(tenant));
        }

        var attempts = control.WebhookAttempts
            .Where(a => names.Contains(a.Subdomain) && a.EventType.StartsWith("zen:event-type:ticket.", StringComparison.Ordinal)).ToList();
        Add(faults, "webhooks dropped", attempts.Count(a => a.Dropped));
        Add(faults, "webhook copies", attempts.Where(a => !a.Dropped && a.Copy > 1).Select(a => (a.EventId, a.Copy)).Distinct().Count());
        Add(faults, "webhooks reordered", attempts.Where(a => !a.Dropped).GroupBy(a => a.Subject)
            .Sum(g => g.Select((a, i) => g.Take(i).Any(earlier => earlier.Sequence > a.Sequence)).Count(late => late)));
        return faults;
    }

    /// <summary>The sum of the counts whose kind starts with <paramref name="kind"/> ("zendesk 5" = every Zendesk 5xx).</summary>
    public static int Of(IReadOnlyDictionary<string, int> faults, string kind)
    {
        ArgumentNullException.ThrowIfNull(faults);
        return faults.Where(f => f.Key.StartsWith(kind, StringComparison.Ordinal)).Sum(f => f.Value);
    }

    private static bool IsFault(int status) => status is 400 or 401 or 404 or 429 or >= 499;

    private static void Add(SortedDictionary<string, int> faults, string kind, int count)
    {
        if (count > 0)
        {
            faults[kind] = faults.GetValueOrDefault(kind) + count;
        }
    }
}
