using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>Catches changes whose webhook never arrived (incremental export); the cursor moves only past fully applied pages.</summary>
public sealed class TicketExportPass(
    TenantRepository tenants,
    TenantClients clients,
    TicketContextService tickets,
    IConnectorStateStore store,
    TimeProvider time,
    IOptions<TicketFlowOptions> options,
    ILogger<TicketExportPass> logger)
{
    public async Task<TicketExportResult> RunAsync(string tenantId, string runId, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            logger.LogWarning("Export pass of tenant {TenantId} skipped: the tenant is not in the tenant store", tenantId);
            return TicketExportResult.Nothing(tenantId);
        }

        if (!tenant.IsRunnable)
        {
            // Paused, or waiting for an operator to authorize again: no call would succeed, and retrying the pass
            // would only hammer the token endpoint. The cursor stays; the first run after the fix reads from it.
            logger.LogInformation("Export pass of tenant {TenantId} skipped: the tenant is paused or needs a new authorization", tenantId);
            return TicketExportResult.Nothing(tenantId);
        }

        try
        {
            return await ExportAsync(tenant, runId, cancellationToken).ConfigureAwait(false);
        }
        catch (ZendeskReauthorizationRequiredException ex)
        {
            // Not retried: only an operator's consent helps. The tenant is marked as the sync engine marks it.
            await tenants.MarkNeedsAuthorizationAsync(tenantId, ConnectedSystem.Zendesk, ex.Reason, cancellationToken).ConfigureAwait(false);
            logger.LogWarning(
                "Export pass of tenant {TenantId} stopped: Zendesk needs a new authorization ({Reason}); the tenant is marked",
                tenantId,
                ex.Reason);
            return TicketExportResult.Nothing(tenantId);
        }
    }

    private async Task<TicketExportResult> ExportAsync(TenantConfig tenant, string runId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var tenantId = tenant.Id;
        var zendesk = await clients.ZendeskAsync(tenant, cancellationToken).ConfigureAwait(false);
        var cursorKey = TicketExportCursor.Key(tenantId);
        var cursor = (await store.GetAsync<TicketExportCursor>(cursorKey, cancellationToken).ConfigureAwait(false)).Value;
        var start = cursor is null
            ? ZendeskIncrementalStart.FromTime(time.GetUtcNow() - o.InitialExportLookback)
            : ZendeskIncrementalStart.FromCursor(cursor.AfterCursor);

        int pages = 0, read = 0, applied = 0, already = 0, skipped = 0, failed = 0;
        var endOfStream = false;
        var readAt = time.GetUtcNow();
        await foreach (var page in zendesk.Tickets.ExportIncrementalAsync(start, cancellationToken).ConfigureAwait(false))
        {
            pages++;
            read += page.Tickets.Count;
            var pageFailed = 0;
            foreach (var ticket in page.Tickets)
            {
                try
                {
                    var result = await tickets.ApplyAsync(tenant, zendesk, page.ContextOf(ticket), readAt, runId, cancellationToken).ConfigureAwait(false);
                    switch (result.Outcome)
                    {
                        case TicketContextOutcome.Created or TicketContextOutcome.Updated:
                            applied++;
                            break;
                        case TicketContextOutcome.AlreadyApplied:
                            already++;
                            break;
                        default:
                            skipped++;
                            break;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    pageFailed++;
                    logger.LogError(ex, "Export pass of tenant {TenantId}: ticket {TicketId} failed; the page is read again next pass", tenantId, ticket.Id);
                }
            }

            failed += pageFailed;
            if (pageFailed > 0)
            {
                break;
            }

            if (page.AfterCursor is { Length: > 0 } after)
            {
                await store.SaveAsync(cursorKey, new TicketExportCursor(after, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }

            endOfStream = page.EndOfStream;
            if (endOfStream || pages >= o.MaxExportPagesPerPass)
            {
                break;
            }

            // The next page is requested from here: its tickets were read after this moment.
            readAt = time.GetUtcNow();
        }

        logger.LogInformation(
            "Export pass of tenant {TenantId}: {Read} tickets read on {Pages} pages, {Applied} applied, {Already} already applied, {Skipped} skipped, "
                + "{Failed} failed",
            tenantId, read, pages, applied, already, skipped, failed);
        return new TicketExportResult(tenantId, pages, read, applied, already, skipped, failed, endOfStream);
    }
}
