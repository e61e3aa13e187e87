using AcumaticaZendesk.Sync.Audit;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>The audit entries one processed record leaves: replayed (in a replay), seen, mapped, then its outcome.</summary>
internal static class AuditEntries
{
    public static IEnumerable<AuditEntry> Of(PageScope scope, WorkItem item, DateTimeOffset now)
    {
        var run = scope.RunId;
        if (scope.Replay)
        {
            yield return new AuditEntry(run, now, AuditAction.Replayed, item.ZendeskId, "replay");
        }

        // A refused row whose LastModifiedDateTime could not be read carries MinValue: leave it out of the trail.
        var modified = item.Record.LastModifiedDateTime == DateTimeOffset.MinValue ? (DateTimeOffset?)null : item.Record.LastModifiedDateTime;
        yield return new AuditEntry(run, now, AuditAction.Seen, SourceModifiedAt: modified);
        if (item.Mapped)
        {
            yield return new AuditEntry(run, now, AuditAction.Mapped, Fingerprint: item.Fingerprint);
        }

        var updated = item.EmailIdentityAdded ? Join(item.Reason, "e-mail identity added") : item.Reason;
        yield return item.Action switch
        {
            PlannedAction.Create => new AuditEntry(run, now, AuditAction.Created, item.ZendeskId, item.Reason, Fingerprint: item.Fingerprint),
            PlannedAction.Recreate => new AuditEntry(run, now, AuditAction.Created, item.ZendeskId, item.Reason, Fingerprint: item.Fingerprint),
            PlannedAction.Update => new AuditEntry(run, now, AuditAction.Updated, item.ZendeskId, updated, Fingerprint: item.Fingerprint),
            PlannedAction.Adopt => new AuditEntry(run, now, AuditAction.Adopted, item.ZendeskId, item.Reason, Fingerprint: item.Fingerprint),
            PlannedAction.Unchanged => new AuditEntry(run, now, AuditAction.SkippedUnchanged, item.ZendeskId, Fingerprint: item.Fingerprint),
            PlannedAction.Fail => new AuditEntry(run, now, AuditAction.Failed, item.ZendeskId, item.Reason, item.Error),
            _ => new AuditEntry(run, now, AuditAction.Skipped, item.ZendeskId, item.Reason),
        };
    }

    private static string Join(string? first, string second) => first is null ? second : $"{first}; {second}";
}
