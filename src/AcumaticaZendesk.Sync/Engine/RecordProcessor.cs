using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>
/// Records of one kind through their step (<see cref="OrganizationStep"/>, <see cref="UserStep"/>); a row Acumatica
/// returned unreadable fails on its own, the rest go on.
/// </summary>
internal sealed class RecordProcessor(OrganizationStep organizations, UserStep users)
{
    /// <param name="withOwnOrganization">Also make sure of the tenant's own organization (<see cref="OrganizationStep.RunAsync"/>).</param>
    public async Task<IReadOnlyList<WorkItem>> ProcessAsync(
        PageScope scope, IReadOnlyList<AcumaticaRecord> records, bool withOwnOrganization, CancellationToken cancellationToken)
    {
        if (records.Count == 0 && !withOwnOrganization)
        {
            return [];
        }

        if (records.FirstOrDefault(r => r.Kind != scope.Kind) is { } wrong)
        {
            throw new InvalidOperationException($"The Acumatica source returned a {wrong.Kind} record for a {scope.Kind} page.");
        }

        var refused = records.OfType<RefusedAcumaticaRecord>().Select(Refuse).ToArray();
        var readable = records.Where(r => r is not RefusedAcumaticaRecord).ToArray();
        if (readable.Length == 0 && !withOwnOrganization)
        {
            return refused; // a last customer page with nothing new still carries the company's own organization
        }

        var items = ExternalIds.IsOrganizationKind(scope.Kind)
            ? await organizations.RunAsync(scope, readable, withOwnOrganization, cancellationToken).ConfigureAwait(false)
            : await users.RunAsync(scope, readable, cancellationToken).ConfigureAwait(false);
        return [.. items, .. refused];
    }

    private static WorkItem Refuse(RefusedAcumaticaRecord record)
    {
        var item = new WorkItem(record, ExternalIds.For(record.Kind, record.Key));
        item.Fail(new WriteError(WriteErrorKind.Unreadable, record.Code,
            $"Acumatica returned {record.Kind} '{record.Key}' unreadable, nothing was written: {record.Reason}."));
        return item;
    }
}
