using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.Connectors.Zendesk;

/// <summary>The Zendesk client's records as the sync core sees them.</summary>
public static class ZendeskCoreRecords
{
    public static TargetOrganization ToCore(ZendeskOrganization organization)
    {
        ArgumentNullException.ThrowIfNull(organization);
        return new(organization.Id, organization.Name, organization.ExternalId, organization.DomainNames ?? []);
    }

    public static TargetUser ToCore(ZendeskUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.Name, user.ExternalId, user.Email, user.OrganizationId);
    }
}
