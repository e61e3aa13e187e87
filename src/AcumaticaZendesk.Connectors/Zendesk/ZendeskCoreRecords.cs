using CoreOrganization = AcumaticaZendesk.Sync.Ports.ZendeskOrganization;
using CoreUser = AcumaticaZendesk.Sync.Ports.ZendeskUser;
using ZdOrganization = AcumaticaZendesk.Zendesk.ZendeskOrganization;
using ZdUser = AcumaticaZendesk.Zendesk.ZendeskUser;

namespace AcumaticaZendesk.Connectors.Zendesk;

/// <summary>The Zendesk client's records as the sync core sees them.</summary>
public static class ZendeskCoreRecords
{
    public static CoreOrganization ToCore(ZdOrganization organization)
    {
        ArgumentNullException.ThrowIfNull(organization);
        return new(organization.Id, organization.Name, organization.ExternalId, organization.DomainNames ?? []);
    }

    public static CoreUser ToCore(ZdUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.Name, user.ExternalId, user.Email, user.OrganizationId);
    }
}
