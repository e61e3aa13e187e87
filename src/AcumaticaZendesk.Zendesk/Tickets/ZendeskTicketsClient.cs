using System.Runtime.CompilerServices;
using System.Text.Json;
using AcumaticaZendesk.Zendesk.Http;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Zendesk.Tickets;

/// <summary>
/// Tickets for context: the cursor-based incremental export (its own 10 requests/minute window, start time at
/// least 60 s old, overlapping pages de-duplicated), ticket show with its requester and organization sideloaded, and
/// comments newest first (cursor pagination).
/// </summary>
public sealed partial class ZendeskTicketsClient
{
    /// <summary>Zendesk refuses incremental start times newer than this.</summary>
    public static readonly TimeSpan MinimumStartAge = TimeSpan.FromSeconds(60);

    private readonly ZendeskApiConnection _api;

    internal ZendeskTicketsClient(ZendeskApiConnection api) => _api = api;

    /// <summary>
    /// <c>GET /api/v2/tickets/{id}?include=users,organizations</c>: the ticket with its requester and organization picked by id
    /// from the sideloads (developer.zendesk.com "Side-loading related records"; OAS ShowTicket <c>TicketsInclude</c>), one
    /// request instead of three; null when the ticket does not exist. A sideload that lacks the record leaves it null: the
    /// caller reads it on its own.
    /// </summary>
    public Task<ZendeskTicketContext?> GetWithContextAsync(long ticketId, CancellationToken cancellationToken)
    {
        const string endpoint = "tickets.show";
        return _api.ShowAsync($"/api/v2/tickets/{ticketId}?include=users,organizations", endpoint, body => ReadWithContext(body, endpoint), cancellationToken);
    }

    /// <summary>
    /// A ticket's comments newest first (cursor pagination with <c>sort=-created_at</c>, OAS ListTicketComments "Sorting"),
    /// page by page as the caller reads on: stop early and no further page is asked for.
    /// </summary>
    public IAsyncEnumerable<ZendeskTicketComment> ListCommentsNewestFirstAsync(long ticketId, CancellationToken cancellationToken) =>
        _api.PaginateAsync<ZendeskTicketComment>($"/api/v2/tickets/{ticketId}/comments?sort=-created_at", "comments", "tickets.comments", cancellationToken);

    /// <summary>
    /// Reads the cursor-based incremental ticket export from <paramref name="start"/> until
    /// <c>end_of_stream</c>, one page at a time. A ticket already returned by an earlier page of this export with
    /// the same generated_timestamp is dropped. Keep the last page's <see cref="ZendeskIncrementalTicketPage.AfterCursor"/>
    /// and continue from it later with <see cref="ZendeskIncrementalStart.FromCursor"/>.
    /// </summary>
    public async IAsyncEnumerable<ZendeskIncrementalTicketPage> ExportIncrementalAsync(
        ZendeskIncrementalStart start,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var seen = new HashSet<(long Id, long? Generated)>();
        var query = start.Cursor is { } cursor
            ? $"cursor={Uri.EscapeDataString(cursor)}"
            : $"start_time={StartTime(start.StartTime!.Value).ToUnixTimeSeconds()}";
        while (true)
        {
            // Every page with its tickets' users and organizations (OAS IncrementalTicketExportCursor "Sideloading": the
            // tickets' sideloads, last_audits excepted), so applying a caught-up ticket needs no show of either.
            var request = new ZendeskRequest(HttpMethod.Get, $"/api/v2/incremental/tickets/cursor.json?{query}&include=users,organizations",
                "incremental.tickets_cursor", true, IncrementalExport: true);
            var response = await _api.SendOrThrowAsync(request, cancellationToken).ConfigureAwait(false);
            var page = ReadPage(response.Body, seen, request.Endpoint);
            LogExportPage(_api.Logger, _api.Connection.Subdomain, page.Tickets.Count, page.DuplicatesRemoved, page.EndOfStream);
            yield return page;
            if (page.EndOfStream || page.AfterCursor is null)
            {
                yield break;
            }

            query = $"cursor={Uri.EscapeDataString(page.AfterCursor)}";
        }
    }

    private DateTimeOffset StartTime(DateTimeOffset requested)
    {
        var latest = _api.Time.GetUtcNow() - MinimumStartAge;
        return requested > latest ? latest : requested;
    }

    private static ZendeskTicketContext ReadWithContext(byte[] body, string endpoint) => ZendeskJson.Read(endpoint, () =>
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ticket", out var value) || value.ValueKind != JsonValueKind.Object)
        {
            throw new ZendeskBadResponseException(endpoint, "a body without a 'ticket' object");
        }

        var ticket = value.Deserialize<ZendeskTicket>(ZendeskJson.Options)!;
        return ZendeskTicketContext.Of(
            ticket, SideloadedById<ZendeskUser>(root, "users", u => u.Id), SideloadedById<ZendeskOrganization>(root, "organizations", o => o.Id));
    });

    /// <summary>The sideload array <paramref name="name"/> by id (empty without one; a record without an id is left out).</summary>
    private static Dictionary<long, T> SideloadedById<T>(JsonElement root, string name, Func<T, long> id)
        where T : class
    {
        var byId = new Dictionary<long, T>();
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return byId;
        }

        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.Deserialize<T>(ZendeskJson.Options) is { } record && id(record) != 0)
            {
                byId[id(record)] = record;
            }
        }

        return byId;
    }

    private static ZendeskIncrementalTicketPage ReadPage(byte[] body, HashSet<(long, long?)> seen, string endpoint)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var tickets = root.TryGetProperty("tickets", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.Deserialize<List<ZendeskTicket>>(ZendeskJson.Options) ?? []
            : throw new ZendeskBadResponseException(endpoint, "a body without a 'tickets' array");
        var fresh = tickets.Where(t => seen.Add((t.Id, t.GeneratedTimestamp))).ToList();
        var after = root.TryGetProperty("after_cursor", out var ac) && ac.ValueKind == JsonValueKind.String ? ac.GetString() : null;
        var end = root.TryGetProperty("end_of_stream", out var eos) && eos.ValueKind == JsonValueKind.True;
        return new ZendeskIncrementalTicketPage(fresh, after, end, tickets.Count - fresh.Count)
        {
            Users = SideloadedById<ZendeskUser>(root, "users", u => u.Id),
            Organizations = SideloadedById<ZendeskOrganization>(root, "organizations", o => o.Id),
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Zendesk {Subdomain} incremental export page: {Count} tickets, {Duplicates} duplicates dropped, end of "
        + "stream {EndOfStream}")]
    private static partial void LogExportPage(ILogger logger, string subdomain, int count, int duplicates, bool endOfStream);
}
