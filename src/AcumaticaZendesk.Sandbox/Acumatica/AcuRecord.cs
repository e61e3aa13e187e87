using System.Text.Json.Nodes;

namespace AcumaticaZendesk.Sandbox.Acumatica;

/// <summary>
/// A stored record: unwrapped field values in <see cref="Data"/> (linked entities as nested objects),
/// plus the system fields. <see cref="Order"/> is the internal row order; it changes when the record
/// is modified, so paging with $top/$skip is not stable across modifications (as on a real instance).
/// </summary>
internal sealed class AcuRecord(AcuEntityDef def, Guid id)
{
    public AcuEntityDef Def => def;

    public Guid Id => id;

    public long Order { get; set; }

    public JsonObject Data { get; set; } = [];

    public string Note { get; set; } = "";

    public DateTimeOffset LastModified { get; set; }

    public string Key => Data[def.KeyField]?.ToString() ?? "";
}

/// <summary>One entity's records with the indexes the API needs.</summary>
internal sealed class AcuTable
{
    public Dictionary<Guid, AcuRecord> ById { get; } = [];

    public Dictionary<string, AcuRecord> ByKey { get; } = new(StringComparer.OrdinalIgnoreCase);

    public SortedDictionary<long, AcuRecord> ByOrder { get; } = [];

    public void Remove(AcuRecord record)
    {
        ById.Remove(record.Id);
        ByKey.Remove(record.Key);
        ByOrder.Remove(record.Order);
    }
}
