using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Ports;

/// <summary>
/// Reads Acumatica for the engine. The adapter over the Acumatica client maps Customer and Vendor to
/// <see cref="AcumaticaAccount"/>, Contact and Employee to <see cref="AcumaticaPerson"/>.
/// </summary>
public interface IAcumaticaSource
{
    /// <summary>
    /// One page: <c>$filter=LastModifiedDateTime ge datetimeoffset'{since}'</c> (no filter when null),
    /// <c>$skip={skip}&amp;$top={top}</c>. No ordering is promised; fewer than <paramref name="top"/>
    /// records means the end of the result.
    /// </summary>
    Task<IReadOnlyList<AcumaticaRecord>> ReadPageAsync(
        TenantConfig tenant, EntityKind kind, DateTimeOffset? since, int skip, int top, CancellationToken cancellationToken);

    /// <summary>The current version of the given records (replay); keys that no longer exist are absent.</summary>
    Task<IReadOnlyList<AcumaticaRecord>> GetByKeysAsync(
        TenantConfig tenant, EntityKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);
}
