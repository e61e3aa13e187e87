using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Testing.Fakes;

/// <summary>
/// Acumatica as the engine sees it: <c>LastModifiedDateTime ge since</c>, then $skip/$top over a scan order
/// that is not by time (insertion order, like a key scan); no ordering promised. <see cref="BeforeRead"/>
/// lets a test change data between pages (records changing while they are paged).
/// </summary>
public sealed class FakeAcumaticaSource : IAcumaticaSource
{
    private readonly List<AcumaticaRecord> _records = [];

    public List<(EntityKind Kind, DateTimeOffset? Since, int Skip, int Top)> Reads { get; } = [];

    /// <summary>Called with the read number (0-based) before each page is served.</summary>
    public Action<int>? BeforeRead { get; set; }

    /// <summary>Kinds whose pages Acumatica refuses to serve (the read throws, as a 403 on the entity would).</summary>
    public HashSet<EntityKind> Refused { get; } = [];

    public void Upsert(AcumaticaRecord record)
    {
        var index = _records.FindIndex(r => r.Kind == record.Kind && r.Key == record.Key);
        if (index >= 0)
        {
            _records[index] = record;
        }
        else
        {
            _records.Add(record);
        }
    }

    /// <summary>Inserts at the front of the scan order (shifts every later row by one).</summary>
    public void InsertFirst(AcumaticaRecord record) => _records.Insert(0, record);

    public void Remove(EntityKind kind, string key) => _records.RemoveAll(r => r.Kind == kind && r.Key == key);

    public T Get<T>(EntityKind kind, string key) where T : AcumaticaRecord => (T)_records.Single(r => r.Kind == kind && r.Key == key);

    public Task<IReadOnlyList<AcumaticaRecord>> ReadPageAsync(
        TenantConfig tenant,
        EntityKind kind,
        DateTimeOffset? since,
        int skip,
        int top,
        CancellationToken cancellationToken)
    {
        BeforeRead?.Invoke(Reads.Count);
        Reads.Add((kind, since, skip, top));
        if (Refused.Contains(kind))
        {
            throw new HttpRequestException($"Acumatica answered 403 for {kind}");
        }

        IReadOnlyList<AcumaticaRecord> page = _records
            .Where(r => r.Kind == kind && (since is null || r.LastModifiedDateTime >= since))
            .Skip(skip).Take(top).ToArray();
        return Task.FromResult(page);
    }

    public Task<IReadOnlyList<AcumaticaRecord>> GetByKeysAsync(
        TenantConfig tenant,
        EntityKind kind,
        IReadOnlyCollection<string> keys,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<AcumaticaRecord> found = _records.Where(r => r.Kind == kind && keys.Contains(r.Key)).ToArray();
        return Task.FromResult(found);
    }
}
