using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>Reads Acumatica for the engine: Customer and Vendor as <see cref="AcumaticaAccount"/>, the others as <see cref="AcumaticaPerson"/>.</summary>
public interface IAcumaticaSource
{
    /// <summary>
    /// One page of <c>LastModifiedDateTime ge {since}</c> with <c>$skip</c>/<c>$top</c>. No ordering is promised; fewer than
    /// <paramref name="top"/> records means the end.
    /// </summary>
    Task<IReadOnlyList<AcumaticaRecord>> ReadPageAsync(
        TenantConfig tenant, EntityKind kind, DateTimeOffset? since, int skip, int top, CancellationToken cancellationToken);

    /// <summary>The current version of the given records (replay); keys that no longer exist are absent.</summary>
    Task<IReadOnlyList<AcumaticaRecord>> GetByKeysAsync(
        TenantConfig tenant, EntityKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);
}
