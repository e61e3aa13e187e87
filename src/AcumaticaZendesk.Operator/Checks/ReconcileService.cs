using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>An Acumatica record with no Zendesk record carrying its external_id.</summary>
public sealed record MissingInZendesk(EntityKind Kind, string Key, string ExternalId, string Name);

/// <summary>A Zendesk record whose external_id looks like ours but matches no Acumatica record.</summary>
public sealed record Orphan(long ZendeskId, string Name, string ExternalId);

/// <summary>A name used more than once: by several Zendesk organizations, several Acumatica accounts, or an Acumatica account and an unlinked Zendesk
/// organization (the create would fail with DuplicateValue).</summary>
public sealed record DuplicateName(string Name, IReadOnlyList<string> AcumaticaKeys, IReadOnlyList<long> ZendeskOrganizationIds, string Explanation);

/// <summary>The answer of <c>reconcile</c>.</summary>
public sealed record ReconcileReport(
    string TenantId,
    int AcumaticaAccounts,
    int AcumaticaPeople,
    int ZendeskOrganizations,
    int ZendeskUsers,
    IReadOnlyList<MissingInZendesk> MissingInZendesk,
    IReadOnlyList<Orphan> OrphanOrganizations,
    IReadOnlyList<Orphan> OrphanUsers,
    IReadOnlyList<DuplicateName> DuplicateNames,
    bool AcumaticaTruncated);

/// <summary>
/// Drift between the systems, read-only: every Acumatica account and person of the enabled kinds (through
/// <see cref="IAcumaticaSource"/>, no watermark) against every Zendesk organization and user (<see cref="IReconcileSource"/>).
/// </summary>
internal sealed class ReconcileService(IAcumaticaSource acumatica, IReconcileSource zendesk, IOptions<OperatorOptions> options)
{
    private const int PageSize = 500;

    public async Task<ReconcileReport> ReconcileAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var records = new List<AcumaticaRecord>();
        var truncated = false;
        foreach (var kind in Enum.GetValues<EntityKind>().Where(tenant.IsEnabled))
        {
            truncated |= await ReadAllAsync(tenant, kind, records, cancellationToken).ConfigureAwait(false);
        }

        var organizations = new List<TargetOrganization>();
        await foreach (var org in zendesk.ListOrganizationsAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            organizations.Add(org);
        }

        var users = new List<TargetUser>();
        await foreach (var user in zendesk.ListUsersAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            users.Add(user);
        }

        var accounts = records.OfType<AcumaticaAccount>().ToArray();
        var people = records.OfType<AcumaticaPerson>().ToArray();
        var ids = StringComparer.OrdinalIgnoreCase;
        var orgIds = organizations.Where(o => o.ExternalId is not null).Select(o => o.ExternalId!).ToHashSet(ids);
        var userIds = users.Where(u => u.ExternalId is not null).Select(u => u.ExternalId!).ToHashSet(ids);

        var missing = accounts
            .Select(a => new MissingInZendesk(a.Kind, a.Key, ExternalIds.Organization(a.Key), a.Name))
            .Where(m => !orgIds.Contains(m.ExternalId))
            .DistinctBy(m => m.ExternalId, ids)
            .Concat(people
                .Select(p => new MissingInZendesk(p.Kind, p.Key, ExternalIds.User(p.Kind, p.Key), p.DisplayName ?? $"{p.FirstName} {p.LastName}".Trim()))
                .Where(m => !userIds.Contains(m.ExternalId)))
            .ToArray();

        var accountIds = accounts.Select(a => ExternalIds.Organization(a.Key)).ToHashSet(ids);
        var companyId = tenant.Mapping.EmployeeOrganization.ExternalId ?? ExternalIds.Company(tenant.Acumatica.Company);
        var orphanOrgs = organizations
            .Where(o => o.ExternalId is { Length: > 0 } e && !accountIds.Contains(e) && !ids.Equals(e, companyId))
            .Select(o => new Orphan(o.Id, o.Name, o.ExternalId!))
            .ToArray();

        var personIds = people.Select(p => ExternalIds.User(p.Kind, p.Key)).ToHashSet(ids);
        var orphanUsers = users
            .Where(u => u.ExternalId is { } e && IsOurUserId(e) && !personIds.Contains(e))
            .Select(u => new Orphan(u.Id, u.Name, u.ExternalId!))
            .ToArray();

        return new ReconcileReport(
            tenant.Id, accounts.Length, people.Length, organizations.Count, users.Count,
            missing, orphanOrgs, orphanUsers, DuplicateNames(accounts, organizations), truncated);
    }

    private static bool IsOurUserId(string externalId) =>
        externalId.StartsWith(ExternalIds.ContactPrefix, StringComparison.OrdinalIgnoreCase)
        || externalId.StartsWith(ExternalIds.EmployeePrefix, StringComparison.OrdinalIgnoreCase);

    private static List<DuplicateName> DuplicateNames(IReadOnlyList<AcumaticaAccount> accounts, IReadOnlyList<TargetOrganization> organizations)
    {
        var ids = StringComparer.OrdinalIgnoreCase;
        var accountsByName = accounts
            .GroupBy(a => a.Name.Trim(), ids)
            .ToDictionary(g => g.Key, g => g.Select(a => a.Key).Distinct(StringComparer.Ordinal).ToArray(), ids);
        var orgsByName = organizations.GroupBy(o => o.Name.Trim(), ids).ToDictionary(g => g.Key, g => g.ToArray(), ids);
        var result = new List<DuplicateName>();
        foreach (var name in accountsByName.Keys.Union(orgsByName.Keys, ids).Order(StringComparer.OrdinalIgnoreCase))
        {
            var keys = accountsByName.GetValueOrDefault(name) ?? [];
            var orgs = orgsByName.GetValueOrDefault(name) ?? [];
            var keyIds = keys.Select(ExternalIds.Organization).ToHashSet(ids);
            var strangers = orgs.Where(o => o.ExternalId is null || !keyIds.Contains(o.ExternalId)).ToArray();
            string? why = null;
            if (orgs.Length > 1)
            {
                why = $"{orgs.Length} Zendesk organizations are named '{name}'.";
            }
            else if (keys.Length > 1)
            {
                why = $"{keys.Length} Acumatica accounts ({string.Join(", ", keys)}) are named '{name}'; Zendesk names are unique, so only one can be created.";
            }
            else if (keys.Length == 1 && strangers.Length > 0)
            {
                why = $"Account {keys[0]} and Zendesk organization {strangers[0].Id} (external_id {strangers[0].ExternalId ?? "none"}) share the name "
                    + $"'{name}'; creating the account fails with DuplicateValue unless onboarding adopts it.";
            }

            if (why is not null)
            {
                result.Add(new DuplicateName(name, keys, orgs.Select(o => o.Id).ToArray(), why));
            }
        }

        return result;
    }

    private async Task<bool> ReadAllAsync(TenantConfig tenant, EntityKind kind, List<AcumaticaRecord> into, CancellationToken cancellationToken)
    {
        var max = options.Value.ReconcileMaxRecordsPerKind;
        for (var skip = 0; ; skip += PageSize)
        {
            if (skip >= max)
            {
                return true;
            }

            var page = await acumatica.ReadPageAsync(tenant, kind, since: null, skip, PageSize, cancellationToken).ConfigureAwait(false);
            into.AddRange(page);
            if (page.Count < PageSize)
            {
                return false;
            }
        }
    }
}
