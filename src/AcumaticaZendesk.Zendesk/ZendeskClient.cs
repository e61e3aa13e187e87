using AcumaticaZendesk.Zendesk.Http;
using AcumaticaZendesk.Zendesk.Jobs;
using AcumaticaZendesk.Zendesk.Organizations;
using AcumaticaZendesk.Zendesk.Tickets;
using AcumaticaZendesk.Zendesk.Users;

namespace AcumaticaZendesk.Zendesk;

/// <summary>The API of one Zendesk account, from <see cref="IZendeskClientFactory.Create(ZendeskConnection, IZendeskTokenSource)"/>.</summary>
public sealed class ZendeskClient
{
    private readonly ZendeskAccountState _account;

    internal ZendeskClient(ZendeskApiConnection api)
    {
        _account = api.Account;
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

    /// <summary>
    /// The account's rate limit as its last answer reported it (<c>X-Rate-Limit</c>, <c>X-Rate-Limit-Remaining</c>),
    /// shared by every client of the account; nulls before any answer carried them.
    /// </summary>
    public (int? Limit, int? Remaining) RateLimit => _account.Budget.Snapshot();
}
