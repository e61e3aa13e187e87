using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;

namespace AcumaticaZendesk.Testing;

/// <summary>
/// Zendesk tickets (the sandbox account) against Acumatica activities (the sandbox instance), by the rule of
/// docs/ticket-flow.md: every ticket (any status but deleted) whose organization's <c>external_id</c> is the code of a
/// business account of the instance must be exactly one activity, marked <c>[zendesk-ticket:{subdomain}:{id}]</c>, on that
/// account (the customer when the code is both), showing the ticket's current subject, status and latest public comment;
/// and no other ticket (no organization, an organization without an Acumatica link, deleted) has an activity.
/// </summary>
/// <param name="Expected">Tickets that must have an activity.</param>
/// <param name="Lost">Expected tickets with no activity, or whose activity does not show the ticket's latest state.</param>
/// <param name="Duplicated">Activities beyond the first for one ticket.</param>
/// <param name="Strays">Activities marked for a ticket of the account that must have none (unlinked or gone).</param>
/// <param name="Problems">The first few lost, duplicated or stray activities, in words (for the notes).</param>
public sealed record TicketReconciliation(int Expected, int Lost, int Duplicated, int Strays, IReadOnlyList<string> Problems)
{
    private const int MaxSummary = 255;
    private const int CommentProbe = 100;

    public bool Converged => Lost == 0 && Duplicated == 0 && Strays == 0;

    public static TicketReconciliation Of(SandboxControl control, string instance, string subdomain)
    {
        ArgumentNullException.ThrowIfNull(control);
        var accounts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (entity, key) in new[] { ("Vendor", "VendorID"), ("Customer", "CustomerID") })
        {
            foreach (var record in control.AcumaticaRecords(instance, entity).OfType<JsonObject>())
            {
                accounts[Value(record, key)!.Trim()] = record["id"]!.ToString();
            }
        }

        var links = control.Organizations(subdomain).OfType<JsonObject>()
            .ToDictionary(o => (long)o["id"]!, o => o["external_id"]?.ToString()?.Trim());
        var prefix = $"[zendesk-ticket:{subdomain.ToLowerInvariant()}:";
        var activities = control.AcumaticaRecords(instance, "Activity").OfType<JsonObject>()
            .Select(a => (Ticket: TicketOf(Value(a, "Summary"), prefix), Activity: a))
            .Where(x => x.Ticket is not null)
            .ToLookup(x => x.Ticket!.Value, x => x.Activity);

        int expected = 0, lost = 0, duplicated = 0;
        var problems = new List<string>();
        var linkedTickets = new HashSet<long>();
        foreach (var ticket in control.Tickets(subdomain).OfType<JsonObject>())
        {
            var id = (long)ticket["id"]!;
            var status = ticket["status"]?.ToString() ?? "";
            if (status == "deleted" || ticket["organization_id"] is not JsonValue org
                || links.GetValueOrDefault(org.GetValue<long>()) is not { Length: > 0 } code || !accounts.TryGetValue(code, out var noteId))
            {
                continue;
            }

            expected++;
            linkedTickets.Add(id);
            var found = activities[id].ToList();
            duplicated += Math.Max(0, found.Count - 1);
            if (found.Count > 1)
            {
                Problem(problems, $"ticket {id}: {found.Count} activities");
            }

            var latestComment = control.TicketComments(subdomain, id).OfType<JsonObject>().LastOrDefault(c => c["public"]?.GetValue<bool>() == true);
            string? mismatch = "no activity";
            foreach (var activity in found)
            {
                mismatch = Mismatch(activity, prefix, id, ticket, latestComment, noteId);
                if (mismatch is null)
                {
                    break;
                }
            }

            if (mismatch is not null)
            {
                lost++;
                Problem(problems, $"ticket {id}: {mismatch}");
            }
        }

        var strays = 0;
        foreach (var stray in activities.Where(a => !linkedTickets.Contains(a.Key)))
        {
            strays += stray.Count();
            Problem(problems, $"ticket {stray.Key}: {stray.Count()} activities, but the ticket is not linked to an account");
        }

        return new TicketReconciliation(expected, lost, duplicated, strays, problems);
    }

    /// <summary>Why the activity does not show the ticket as it is now (null = it does).</summary>
    private static string? Mismatch(JsonObject activity, string prefix, long id, JsonObject ticket, JsonObject? latestComment, string noteId)
    {
        var summary = Value(activity, "Summary") ?? "";
        var status = ticket["status"]!.ToString();
        var want = string.Create(CultureInfo.InvariantCulture, $"{prefix}{id}] {ticket["subject"]?.ToString() ?? "(no subject)"} [{status}]");
        var fits = want.Length <= MaxSummary ? summary == want : summary.StartsWith(want[..(MaxSummary - 1)], StringComparison.Ordinal);
        if (!fits)
        {
            return $"activity shows '{summary}', the ticket is '{want}'";
        }

        var body = Value(activity, "Body") ?? "";
        if (!body.Contains($"Status: {WebUtility.HtmlEncode(status)}", StringComparison.Ordinal))
        {
            return $"activity body does not show status {status}";
        }

        var comment = (latestComment?["plain_body"] ?? latestComment?["body"])?.ToString().Trim();
        if (comment is { Length: > 0 } && !body.Contains(WebUtility.HtmlEncode(comment[..Math.Min(comment.Length, CommentProbe)]), StringComparison.Ordinal))
        {
            return "activity body does not show the latest public comment";
        }

        return string.Equals(Value(activity, "RelatedEntityNoteID"), noteId, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"activity is related to {Value(activity, "RelatedEntityNoteID")}, not the account {noteId}";
    }

    private static long? TicketOf(string? summary, string prefix)
    {
        if (summary is null || !summary.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = summary.IndexOf(']', prefix.Length);
        return end > prefix.Length
            && long.TryParse(summary.AsSpan(prefix.Length, end - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }

    private static void Problem(List<string> problems, string problem)
    {
        if (problems.Count < 5)
        {
            problems.Add(problem);
        }
    }

    private static string? Value(JsonObject record, string field) => record[field] is JsonObject o ? o["value"]?.ToString() : record[field]?.ToString();
}
