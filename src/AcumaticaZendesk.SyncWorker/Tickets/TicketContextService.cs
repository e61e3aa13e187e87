using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Acumatica.Activities;
using AcumaticaZendesk.Acumatica.Reading;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Telemetry;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>Writes a ticket's ONE activity on the business account its organization names (found by <see cref="AcumaticaActivityMarker"/>).</summary>
public sealed class TicketContextService(
    TenantRepository tenants,
    TenantClients clients,
    IConnectorStateStore store,
    AuditTrail audit,
    TicketLocks locks,
    TimeProvider time,
    IOptions<TicketFlowOptions> options,
    ILogger<TicketContextService> logger)
{
    /// <summary>Lock of a tenant's <see cref="TicketFlowLag"/> gauge in <see cref="TicketLocks"/> (ticket 0 of a tenant id no tenant has).</summary>
    private const string FlowLagLockPrefix = "flow-lag:";

    public async Task<TicketContextResult> ApplyAsync(string tenantId, long ticketId, string runId, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            logger.LogWarning("Ticket {TicketId} of unknown tenant {TenantId} skipped", ticketId, tenantId);
            return new TicketContextResult(tenantId, ticketId, TicketContextOutcome.Skipped, "unknown tenant");
        }

        var zendesk = await clients.ZendeskAsync(tenant, cancellationToken).ConfigureAwait(false);
        var readAt = time.GetUtcNow();
        // One Zendesk read brings the ticket with its requester and organization (sideloads); the latest public comment is the other.
        var context = await zendesk.Tickets.GetWithContextAsync(ticketId, cancellationToken).ConfigureAwait(false);
        if (context is null)
        {
            return await SkipAsync(tenant, ticketId, null, runId, "the ticket no longer exists in Zendesk", cancellationToken).ConfigureAwait(false);
        }

        return await ApplyAsync(tenant, zendesk, context, readAt, runId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies a ticket already read at <paramref name="readAt"/> (our clock, before the read) unless the applied version covers it.</summary>
    public async Task<TicketContextResult> ApplyAsync(
        TenantConfig tenant, ZendeskClient zendesk, ZendeskTicketContext context, DateTimeOffset readAt, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(zendesk);
        ArgumentNullException.ThrowIfNull(context);
        var ticket = context.Ticket;
        using var held = await locks.AcquireAsync(tenant.Id, ticket.Id, cancellationToken).ConfigureAwait(false);
        var settled = TicketApplied.IsSettled(ticket.UpdatedAt, ticket.GeneratedTimestamp, readAt, options.Value.ClockSkewAllowance);
        return await ApplyLockedAsync(tenant, zendesk, context, settled, runId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TicketContextResult> ApplyLockedAsync(
        TenantConfig tenant, ZendeskClient zendesk, ZendeskTicketContext context, bool settled, string runId, CancellationToken cancellationToken)
    {
        var ticket = context.Ticket;
        var applied = (await store.GetAsync<TicketApplied>(TicketApplied.Key(tenant.Id, ticket.Id), cancellationToken).ConfigureAwait(false)).Value;
        if (applied is not null && applied.Covers(ticket.UpdatedAt, ticket.GeneratedTimestamp))
        {
            logger.LogDebug("Ticket {TicketId} of tenant {TenantId}: this version was applied already", ticket.Id, tenant.Id);
            return new TicketContextResult(tenant.Id, ticket.Id, TicketContextOutcome.AlreadyApplied, null, applied.ActivityId);
        }

        if (string.Equals(ticket.Status, "deleted", StringComparison.OrdinalIgnoreCase))
        {
            return await SkipAsync(tenant, ticket.Id, ticket, settled, runId, "the ticket was deleted", cancellationToken).ConfigureAwait(false);
        }

        if (ticket.OrganizationId is not { } organizationId)
        {
            return await SkipAsync(tenant, ticket.Id, ticket, settled, runId, "the ticket has no organization", cancellationToken).ConfigureAwait(false);
        }

        // Not in the sideload: the organization show.
        var organization = context.Organization
            ?? await zendesk.Organizations.GetAsync(organizationId, cancellationToken).ConfigureAwait(false);
        var accountCode = organization?.ExternalId?.Trim();
        if (string.IsNullOrEmpty(accountCode))
        {
            return await SkipAsync(tenant, ticket.Id, ticket, settled, runId,
                $"organization {organizationId} has no Acumatica link (no external_id)", cancellationToken).ConfigureAwait(false);
        }

        if (accountCode.StartsWith(ExternalIds.CompanyPrefix, StringComparison.OrdinalIgnoreCase)
            || accountCode.StartsWith(ExternalIds.ContactPrefix, StringComparison.OrdinalIgnoreCase)
            || accountCode.StartsWith(ExternalIds.EmployeePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return await SkipAsync(tenant, ticket.Id, ticket, settled, runId,
                $"organization {organizationId} has external_id '{accountCode}', which is not an Acumatica business account", cancellationToken).ConfigureAwait(
                    false);
        }

        var acumatica = await clients.AcumaticaAsync(tenant, cancellationToken).ConfigureAwait(false);
        var account = await FindAccountAsync(acumatica, accountCode, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            var why = $"organization {organizationId} links to '{accountCode}', which is neither a customer nor a vendor in Acumatica";
            return await SkipAsync(tenant, ticket.Id, ticket, settled, runId, why, cancellationToken).ConfigureAwait(false);
        }

        var requester = context.Requester ?? (ticket.RequesterId is { } requesterId
            ? await zendesk.Users.GetAsync(requesterId, cancellationToken).ConfigureAwait(false)
            : null);
        var comment = await LatestPublicCommentAsync(zendesk, ticket.Id, cancellationToken).ConfigureAwait(false);
        var link = zendesk.Connection.Url(string.Create(CultureInfo.InvariantCulture, $"/agent/tickets/{ticket.Id}"));
        var draft = new AcumaticaActivityDraft(
            AcumaticaActivityMarker.ForZendeskTicket(zendesk.Connection.Subdomain, ticket.Id),
            Title: $"{ticket.Subject ?? "(no subject)"} [{ticket.Status}]",
            BodyHtml: Body(ticket, requester, organization!, comment, link, options.Value.CommentSummaryLength),
            RelatedEntityNoteId: account.Value.NoteId,
            RelatedEntityType: account.Value.EntityType);

        var fingerprint = Fingerprint(draft);
        if (applied is not null && !applied.IsOlderThan(ticket.UpdatedAt, ticket.GeneratedTimestamp) && applied.Fingerprint == fingerprint)
        {
            // The same version met again before it settled, and the activity already shows it: nothing to write.
            await RememberAsync(tenant.Id, ticket, applied.Outcome, applied.ActivityId, settled, fingerprint, cancellationToken).ConfigureAwait(false);
            return new TicketContextResult(tenant.Id, ticket.Id, TicketContextOutcome.AlreadyApplied, null, applied.ActivityId);
        }

        var result = await acumatica.UpsertActivityAsync(draft, cancellationToken).ConfigureAwait(false);
        var outcome = result.Created ? TicketContextOutcome.Created : TicketContextOutcome.Updated;
        await AuditAsync(tenant.Id, ticket.Id, accountCode, runId,
            outcome == TicketContextOutcome.Created ? AuditAction.Created : AuditAction.Updated,
            $"activity on {account.Value.EntityType} {accountCode}"
                + (result.DuplicatesFound > 1 ? $" ({result.DuplicatesFound} activities carry the marker)" : ""),
            ticket.UpdatedAt, cancellationToken).ConfigureAwait(false);
        await RememberAsync(tenant.Id, ticket, outcome, result.Activity.Id, settled, fingerprint, cancellationToken).ConfigureAwait(false);
        if (ticket.UpdatedAt is { } changedAt)
        {
            var appliedAt = time.GetUtcNow();
            SyncMetrics.TicketApplied(tenant.Id, appliedAt - changedAt);

            // One writer of the tenant's gauge at a time in this process: concurrent saves of one key lose ETag races, and
            // daprd's circuit breaker counts each lost race as a failure (five in a row opened it for every state call of
            // the sidecar: a burst of ticket webhooks failed its workflows' activities, retried 15 s later).
            using var gauge = await locks.AcquireAsync(FlowLagLockPrefix + tenant.Id, 0, cancellationToken).ConfigureAwait(false);
            await store.SaveAsync(TicketFlowLag.Key(tenant.Id), new TicketFlowLag(appliedAt - changedAt, appliedAt), cancellationToken).ConfigureAwait(false);
        }

        logger.LogInformation(
            "Ticket {TicketId} of tenant {TenantId}: activity {Outcome} on account {AccountCode}", ticket.Id, tenant.Id, outcome, accountCode);
        return new TicketContextResult(tenant.Id, ticket.Id, outcome, accountCode, result.Activity.Id);
    }

    private static async Task<(Guid NoteId, string EntityType)?> FindAccountAsync(IAcumaticaClient acumatica, string code, CancellationToken cancellationToken)
    {
        if (await acumatica.GetAsync(AcumaticaEntitySets.Customers, code, cancellationToken).ConfigureAwait(false) is { Id: { } customerId })
        {
            return (customerId, AcumaticaActivityDraft.CustomerEntityType);
        }

        return await acumatica.GetAsync(AcumaticaEntitySets.Vendors, code, cancellationToken).ConfigureAwait(false) is { Id: { } vendorId }
            ? (vendorId, AcumaticaActivityDraft.VendorEntityType)
            : null;
    }

    /// <summary>Newest first, the first public one: one page in the usual case (another only while a page holds private notes alone).</summary>
    private static async Task<ZendeskTicketComment?> LatestPublicCommentAsync(ZendeskClient zendesk, long ticketId, CancellationToken cancellationToken)
    {
        await foreach (var comment in zendesk.Tickets.ListCommentsNewestFirstAsync(ticketId, cancellationToken).ConfigureAwait(false))
        {
            if (comment.Public)
            {
                return comment;
            }
        }

        return null;
    }

    /// <summary>The activity text (HTML): every ticket value encoded.</summary>
    public static string Body(
        ZendeskTicket ticket,
        Zendesk.ZendeskUser? requester,
        Zendesk.ZendeskOrganization organization,
        ZendeskTicketComment? comment,
        Uri link,
        int commentLength)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p><b>Zendesk ticket #{ticket.Id}</b>: {E(ticket.Subject)}</p><ul>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Status: {E(ticket.Status)}</li>");
        var requesterText = requester is null ? ticket.RequesterId?.ToString(CultureInfo.InvariantCulture) : $"{requester.Name} <{requester.Email}>";
        html.Append(CultureInfo.InvariantCulture, $"<li>Requester: {E(requesterText)}</li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Organization: {E(organization.Name)}</li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Updated: {ticket.UpdatedAt:yyyy-MM-dd HH:mm} UTC</li></ul>");
        if (comment is not null && commentLength > 0)
        {
            var text = (comment.PlainBody ?? comment.Body ?? "").Trim();
            if (text.Length > commentLength)
            {
                text = text[..(commentLength - 1)] + "…";
            }

            html.Append(
                CultureInfo.InvariantCulture,
                $"<p>Latest public comment ({comment.CreatedAt:yyyy-MM-dd HH:mm} UTC):</p><blockquote>{E(text)}</blockquote>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{E(link.AbsoluteUri)}\">Open the ticket in Zendesk</a></p>");
        return html.ToString();
    }

    private async Task<TicketContextResult> SkipAsync(
        TenantConfig tenant, long ticketId, ZendeskTicket? ticket, string runId, string reason, CancellationToken cancellationToken) =>
        await SkipAsync(tenant, ticketId, ticket, settled: true, runId, reason, cancellationToken).ConfigureAwait(false);

    private async Task<TicketContextResult> SkipAsync(
        TenantConfig tenant, long ticketId, ZendeskTicket? ticket, bool settled, string runId, string reason, CancellationToken cancellationToken)
    {
        await AuditAsync(tenant.Id, ticketId, "", runId, AuditAction.Skipped, reason, ticket?.UpdatedAt, cancellationToken).ConfigureAwait(false);
        if (ticket is not null)
        {
            await RememberAsync(tenant.Id, ticket, TicketContextOutcome.Skipped, null, settled, null, cancellationToken).ConfigureAwait(false);
        }

        logger.LogInformation("Ticket {TicketId} of tenant {TenantId} skipped: {Reason}", ticketId, tenant.Id, reason);
        return new TicketContextResult(tenant.Id, ticketId, TicketContextOutcome.Skipped, reason);
    }

    /// <summary>Keeps the newest applied version (a slower, older change never moves it back; a settled read of a version replaces an unsettled one).</summary>
    private Task RememberAsync(
        string tenantId,
        ZendeskTicket ticket,
        TicketContextOutcome outcome,
        Guid? activityId,
        bool settled,
        string? fingerprint,
        CancellationToken cancellationToken) =>
        store.UpdateAsync<TicketApplied>(
            TicketApplied.Key(tenantId, ticket.Id),
            current => current is not null && current.Covers(ticket.UpdatedAt, ticket.GeneratedTimestamp)
                ? current
                : new TicketApplied(
                    ticket.UpdatedAt,
                    ticket.GeneratedTimestamp,
                    outcome,
                    activityId ?? current?.ActivityId,
                    time.GetUtcNow(),
                    settled,
                    fingerprint),
            cancellationToken);

    /// <summary>What the activity would show: summary, body and account (hex SHA-256).</summary>
    private static string Fingerprint(AcumaticaActivityDraft draft) =>
        Convert.ToHexString(
            SHA256.HashData(Encoding.UTF8.GetBytes($"{draft.Summary}\n{draft.BodyHtml}\n{draft.RelatedEntityType}:{draft.RelatedEntityNoteId}")));

    private Task AuditAsync(
        string tenantId,
        long ticketId,
        string accountCode,
        string runId,
        AuditAction action,
        string detail,
        DateTimeOffset? updatedAt,
        CancellationToken cancellationToken) =>
        audit.AppendAsync(tenantId, runId,
        [
            new RecordAudit(
                new RecordRef(EntityKind.Ticket, ticketId.ToString(CultureInfo.InvariantCulture)),
                accountCode,
                ticketId,
                [new AuditEntry(runId, time.GetUtcNow(), action, ticketId, detail, SourceModifiedAt: updatedAt)]),
        ], cancellationToken);
}
