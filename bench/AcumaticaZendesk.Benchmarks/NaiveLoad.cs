using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>Outcome of the naive load.</summary>
public sealed record NaiveTotals(int Organizations, int Users, int Failed);

/// <summary>
/// What simple integrations do: read every record (through the same Acumatica adapter), map it with the same
/// mappers, then per record one lookup by external_id and one single-record write through the real Zendesk client
/// (<c>organizations/search?external_id</c> + <c>POST organizations</c> / <c>PUT organizations/{id}</c>;
/// <c>users/show_many?external_ids={one}</c> + <c>users/create_or_update</c>). Organization ids are kept in memory
/// for the users' <c>organization_id</c> (which flatters the naive strategy: no extra lookup per user).
/// </summary>
internal sealed class NaiveLoad(IServiceProvider services)
{
    public async Task<NaiveTotals> RunAsync(TenantConfig tenant, int pageSize, CancellationToken cancellationToken)
    {
        var source = services.GetRequiredService<IAcumaticaSource>();
        var zendesk = await CreateClientAsync(tenant, cancellationToken).ConfigureAwait(false);
        var organizationIds = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        int organizations = 0, users = 0, failed = 0;

        foreach (var kind in EngineLoad.KindOrder)
        {
            for (var skip = 0; ; skip += pageSize)
            {
                var page = await source.ReadPageAsync(tenant, kind, since: null, skip, pageSize, cancellationToken).ConfigureAwait(false);
                foreach (var record in page)
                {
                    var ok = record switch
                    {
                        AcumaticaAccount account => await WriteOrganizationAsync(zendesk, tenant, account, organizationIds, cancellationToken).ConfigureAwait(
                            false),
                        AcumaticaPerson person => await WriteUserAsync(zendesk, tenant, person, organizationIds, cancellationToken).ConfigureAwait(false),
                        _ => false,
                    };
                    if (!ok)
                        failed++;
                    else if (record is AcumaticaAccount)
                        organizations++;
                    else
                        users++;
                }

                if (page.Count < pageSize)
                    break;
            }
        }

        return new NaiveTotals(organizations, users, failed);
    }

    private async Task<ZendeskClient> CreateClientAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var connection = new ZendeskConnection(tenant.Zendesk.Subdomain, new Uri(tenant.Zendesk.BaseUrl!));
        var tokens = new InMemoryZendeskTokenSource();
        var token = await services.GetRequiredService<ZendeskClientCredentialsGrant>().RequestAsync(
            connection with
            {
                OAuth = new ZendeskOAuthApp(
                    Sandbox.Control.DemoCredentials.ZendeskClientId,
                    Sandbox.Control.DemoCredentials.ZendeskClientSecret,
                    new Uri("http://localhost/callback"))
            },
            cancellationToken).ConfigureAwait(false);
        await tokens.SaveTokensAsync(connection, token, cancellationToken).ConfigureAwait(false);
        return services.GetRequiredService<IZendeskClientFactory>().Create(connection, tokens);
    }

    private static async Task<bool> WriteOrganizationAsync(
        ZendeskClient zendesk, TenantConfig tenant, AcumaticaAccount account, Dictionary<string, long> ids, CancellationToken cancellationToken)
    {
        var mapped = OrganizationMapper.Map(account, tenant.Mapping);
        return mapped.Value is not null
            && await WriteOrganizationAsync(zendesk, OrganizationMapper.Merge([mapped.Value]), ids, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> WriteOrganizationAsync(
        ZendeskClient zendesk, OrganizationPayload payload, Dictionary<string, long> ids, CancellationToken cancellationToken)
    {
        var existing = await zendesk.Organizations.GetByExternalIdAsync(payload.ExternalId, cancellationToken).ConfigureAwait(false);
        var write = new ZendeskOrganizationWrite
        {
            Id = existing?.Id,
            Name = payload.Name,
            ExternalId = payload.ExternalId,
            Notes = payload.Notes,
            Details = payload.Details,
            Tags = payload.Tags,
            DomainNames = payload.DomainNames,
        };
        var result = existing is null
            ? await zendesk.Organizations.CreateAsync(write, cancellationToken).ConfigureAwait(false)
            : await zendesk.Organizations.UpdateAsync(write, cancellationToken).ConfigureAwait(false);
        if (result.Value is { } organization)
            ids[payload.ExternalId] = organization.Id;
        return result.Succeeded;
    }

    private static async Task<bool> WriteUserAsync(
        ZendeskClient zendesk, TenantConfig tenant, AcumaticaPerson person, Dictionary<string, long> organizationIds, CancellationToken cancellationToken)
    {
        var mapped = UserMapper.Map(person, tenant);
        if (mapped.Value is not { } payload)
            return false;
        var organizationExternalId = UserMapper.OrganizationFor(person, tenant);
        if (person.Kind == EntityKind.Employee && organizationExternalId is not null && !organizationIds.ContainsKey(organizationExternalId))
        {
            // The company's own organization, once (lookup + create), as the engine does for employees.
            await WriteOrganizationAsync(zendesk, UserMapper.OwnOrganization(tenant), organizationIds, cancellationToken).ConfigureAwait(false);
        }

        var found = await zendesk.Users.GetByExternalIdsAsync([payload.ExternalId], cancellationToken).ConfigureAwait(false);
        found.TryGetValue(payload.ExternalId, out var existing);
        var write = new ZendeskUserWrite
        {
            Name = payload.Name,
            ExternalId = payload.ExternalId,
            Email = payload.Email,
            Phone = payload.Phone,
            Role = payload.Role,
            Tags = payload.Tags,
            OrganizationId = organizationExternalId is not null && organizationIds.TryGetValue(organizationExternalId, out var orgId) ? orgId : null,
        };
        var result = await zendesk.Users.UpsertAsync(new ZendeskUserUpsert(write, existing), cancellationToken).ConfigureAwait(false);
        return result.User.Succeeded;
    }
}
