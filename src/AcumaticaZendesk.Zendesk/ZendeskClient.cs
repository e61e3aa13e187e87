using AcumaticaZendesk.Zendesk.Http;
using AcumaticaZendesk.Zendesk.Jobs;
using AcumaticaZendesk.Zendesk.Organizations;
using AcumaticaZendesk.Zendesk.Tickets;
using AcumaticaZendesk.Zendesk.Users;

namespace AcumaticaZendesk.Zendesk;

/// <summary>The API of one Zendesk account, from <see cref="IZendeskClientFactory.Create(ZendeskConnection, IZendeskTokenSource)"/>.</summary>
public sealed class ZendeskClient
{
    internal ZendeskClient(ZendeskApiConnection api)
    {
        Connection = api.Connection;
        Jobs = new ZendeskJobsClient(api);
        Organizations = new ZendeskOrganizationsClient(api, Jobs);
        Users = new ZendeskUsersClient(api, Jobs);
        Tickets = new ZendeskTicketsClient(api);
    }

    public ZendeskConnection Connection { get; }

    public ZendeskOrganizationsClient Organizations { get; }

    public ZendeskUsersClient Users { get; }

    public ZendeskTicketsClient Tickets { get; }

    public ZendeskJobsClient Jobs { get; }
}
