namespace AcumaticaZendesk.Zendesk;

/// <summary>A ticket, with the fields the connector uses for context.</summary>
public sealed record ZendeskTicket
{
    public long Id { get; init; }

    public string? Subject { get; init; }

    public string? Description { get; init; }

    /// <summary><c>new, open, pending, hold, solved, closed</c>, and <c>deleted</c> in exports.</summary>
    public string? Status { get; init; }

    public string? Priority { get; init; }

    public string? Type { get; init; }

    public long? RequesterId { get; init; }

    public long? SubmitterId { get; init; }

    public long? AssigneeId { get; init; }

    public long? OrganizationId { get; init; }

    public long? GroupId { get; init; }

    public string? ExternalId { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Unix seconds of the last change the incremental export saw (also bumped by system updates).</summary>
    public long? GeneratedTimestamp { get; init; }

    public string? Url { get; init; }
}

/// <summary>
/// A ticket with the requester and organization it names, as one ticket show with sideloads brings them; either is null
/// when the ticket names none or the answer's sideload lacks it (then the caller reads it on its own).
/// </summary>
public sealed record ZendeskTicketContext(ZendeskTicket Ticket, ZendeskUser? Requester, ZendeskOrganization? Organization)
{
    /// <summary>The ticket with its requester and organization picked by id from sideloads (null where they lack it).</summary>
    public static ZendeskTicketContext Of(
        ZendeskTicket ticket, IReadOnlyDictionary<long, ZendeskUser> users, IReadOnlyDictionary<long, ZendeskOrganization> organizations)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(organizations);
        return new ZendeskTicketContext(
            ticket,
            ticket.RequesterId is { } requester ? users.GetValueOrDefault(requester) : null,
            ticket.OrganizationId is { } organization ? organizations.GetValueOrDefault(organization) : null);
    }
}

/// <summary>A ticket comment; <see cref="Public"/> false is a private note.</summary>
public sealed record ZendeskTicketComment
{
    public long Id { get; init; }

    public string? Type { get; init; }

    public string? Body { get; init; }

    public string? PlainBody { get; init; }

    public bool Public { get; init; }

    public long? AuthorId { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>Where an incremental ticket export starts: a time (first run) or a stored <c>after_cursor</c>.</summary>
public sealed record ZendeskIncrementalStart
{
    private ZendeskIncrementalStart(DateTimeOffset? startTime, string? cursor)
    {
        StartTime = startTime;
        Cursor = cursor;
    }

    public DateTimeOffset? StartTime { get; }

    public string? Cursor { get; }

    /// <summary>Start from a time; it is moved back to at least 60 s before now, as Zendesk requires.</summary>
    public static ZendeskIncrementalStart FromTime(DateTimeOffset startTime) => new(startTime, null);

    /// <summary>Continue after a cursor kept from an earlier page (also after <c>end_of_stream</c>).</summary>
    public static ZendeskIncrementalStart FromCursor(string cursor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cursor);
        return new(null, cursor);
    }
}

/// <summary>
/// One page of the cursor-based incremental ticket export, with tickets already seen on an earlier page of
/// the same export (same id and generated_timestamp) removed. Keep <see cref="AfterCursor"/> as the watermark.
/// </summary>
public sealed record ZendeskIncrementalTicketPage(
    IReadOnlyList<ZendeskTicket> Tickets,
    string? AfterCursor,
    bool EndOfStream,
    int DuplicatesRemoved)
{
    /// <summary>The page's sideloaded users by id (<c>include=users</c>).</summary>
    public IReadOnlyDictionary<long, ZendeskUser> Users { get; init; } = new Dictionary<long, ZendeskUser>();

    /// <summary>The page's sideloaded organizations by id (<c>include=organizations</c>).</summary>
    public IReadOnlyDictionary<long, ZendeskOrganization> Organizations { get; init; } = new Dictionary<long, ZendeskOrganization>();

    /// <summary>A ticket of this page with its requester and organization from the sideloads (null where they lack it).</summary>
    public ZendeskTicketContext ContextOf(ZendeskTicket ticket) => ZendeskTicketContext.Of(ticket, Users, Organizations);
}
