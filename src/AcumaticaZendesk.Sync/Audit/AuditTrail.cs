using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;

namespace AcumaticaZendesk.Sync.Audit;

/// <summary>A chunk of the records a run touched (one per page).</summary>
public sealed record RunPageRecords(IReadOnlyList<RecordRef> Records);

/// <summary>The per-record audit trail, queryable by record, by Zendesk id and by run; retention is applied on every write.</summary>
public sealed class AuditTrail(IConnectorStateStore store, AuditRetention retention, TimeProvider timeProvider)
{
    public const string OrganizationType = "organization";
    public const string UserType = "user";
    public const string TicketType = "ticket";

    /// <summary>Appends the entries of a page and indexes them by run and by Zendesk id.</summary>
    public async Task AppendAsync(string tenantId, string runId, IReadOnlyList<RecordAudit> audits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audits);
        if (audits.Count == 0)
        {
            return;
        }

        var keys = audits.Select(a => StateKeys.RecordHistory(tenantId, a.Record.Kind, a.Record.Key)).ToArray();
        var existing = await store.GetManyAsync<RecordHistory>(keys, cancellationToken).ConfigureAwait(false);
        var cutoff = timeProvider.GetUtcNow() - retention.MaxAge;
        var histories = new List<KeyValuePair<string, RecordHistory>>(audits.Count);
        var newLinks = new List<(string Key, RecordRef Record)>();
        for (var i = 0; i < audits.Count; i++)
        {
            var audit = audits[i];
            var previous = existing.GetValueOrDefault(keys[i]);
            var entries = audit.Entries.Reverse().Select(Clean)
                .Concat(previous?.Entries ?? [])
                .Where(e => e.At >= cutoff)
                .Take(retention.MaxEntriesPerRecord)
                .ToArray();
            var zendeskId = audit.ZendeskId ?? previous?.ZendeskId;
            histories.Add(KeyValuePair.Create(keys[i], new RecordHistory(tenantId, audit.Record.Kind, audit.Record.Key, audit.ExternalId, zendeskId, entries)));
            if (zendeskId is { } id && previous?.ZendeskId != id)
            {
                var type = audit.Record.Kind == EntityKind.Ticket ? TicketType
                    : Mapping.ExternalIds.IsOrganizationKind(audit.Record.Kind) ? OrganizationType : UserType;
                newLinks.Add((StateKeys.ZendeskIdIndex(tenantId, type, id), audit.Record));
            }
        }

        // One bulk write for the page's histories, one bulk read-modify-write for the Zendesk-id index entries of the
        // records linked for the first time: not a round trip (or three) per record.
        await store.SaveManyAsync(histories, cancellationToken).ConfigureAwait(false);
        var linked = newLinks.GroupBy(l => l.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(l => l.Record).Distinct().ToArray());
        await store.UpdateManyAsync<List<RecordRef>>(
            linked.Keys,
            (key, refs) => [.. refs ?? [], .. linked[key].Where(r => refs is null || !refs.Contains(r))],
            cancellationToken).ConfigureAwait(false);

        var page = await store.UpdateAsync<RunPageCount>(
            StateKeys.RunPages(tenantId, runId), count => new RunPageCount((count?.Pages ?? 0) + 1), cancellationToken).ConfigureAwait(false);
        await store.SaveAsync(
            StateKeys.RunPage(tenantId, runId, page.Pages - 1),
            new RunPageRecords(audits.Select(a => a.Record).Distinct().ToArray()),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<RecordHistory?> GetAsync(string tenantId, EntityKind kind, string key, CancellationToken cancellationToken) =>
        (await store.GetAsync<RecordHistory>(StateKeys.RecordHistory(tenantId, kind, key), cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Histories of the records written to one Zendesk organization or user.</summary>
    public async Task<IReadOnlyList<RecordHistory>> FindByZendeskIdAsync(
        string tenantId,
        string zendeskType,
        long zendeskId,
        CancellationToken cancellationToken)
    {
        var refs = (await store.GetAsync<List<RecordRef>>(StateKeys.ZendeskIdIndex(tenantId, zendeskType, zendeskId), cancellationToken)
            .ConfigureAwait(false)).Value
            ?? [];
        var histories = await store.GetManyAsync<RecordHistory>(refs.Select(r => StateKeys.RecordHistory(tenantId, r.Kind, r.Key)).ToArray(), cancellationToken)
            .ConfigureAwait(false);
        return histories.Values.OrderBy(h => h.Kind).ThenBy(h => h.Key, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The records a run touched, in page order (<paramref name="skip"/>/<paramref name="take"/> over records).</summary>
    public async Task<IReadOnlyList<RecordRef>> GetRunRecordsAsync(string tenantId, string runId, int skip, int take, CancellationToken cancellationToken)
    {
        var count = (await store.GetAsync<RunPageCount>(StateKeys.RunPages(tenantId, runId), cancellationToken).ConfigureAwait(false)).Value?.Pages ?? 0;
        var pages = await store.GetManyAsync<RunPageRecords>(
            Enumerable.Range(0, count).Select(p => StateKeys.RunPage(tenantId, runId, p)).ToArray(),
            cancellationToken)
            .ConfigureAwait(false);
        return Enumerable.Range(0, count)
            .SelectMany(p => pages.GetValueOrDefault(StateKeys.RunPage(tenantId, runId, p))?.Records ?? [])
            .Skip(skip).Take(take).ToArray();
    }

    /// <summary>
    /// Deletes a run's pages of record references (its records' own histories stay): called for a run that left the run
    /// index (<see cref="RunStore.IndexLimit"/>), which no operator lists any more.
    /// </summary>
    public static async Task ForgetRunAsync(IConnectorStateStore store, string tenantId, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var count = (await store.GetAsync<RunPageCount>(StateKeys.RunPages(tenantId, runId), cancellationToken).ConfigureAwait(false)).Value?.Pages ?? 0;
        for (var page = 0; page < count; page++)
        {
            await store.DeleteAsync(StateKeys.RunPage(tenantId, runId, page), cancellationToken).ConfigureAwait(false);
        }

        await store.DeleteAsync(StateKeys.RunPages(tenantId, runId), cancellationToken).ConfigureAwait(false);
    }

    private AuditEntry Clean(AuditEntry entry) => entry with
    {
        Detail = SecretScrubber.Scrub(entry.Detail, retention.MaxMessageLength),
        Error = entry.Error is null ? null : entry.Error with { Message = SecretScrubber.Scrub(entry.Error.Message, retention.MaxMessageLength)! },
    };

    private sealed record RunPageCount(int Pages);
}
