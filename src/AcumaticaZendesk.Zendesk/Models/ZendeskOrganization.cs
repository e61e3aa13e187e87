namespace AcumaticaZendesk.Zendesk;

/// <summary>An organization as Zendesk returns it.</summary>
public sealed record ZendeskOrganization
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    /// <summary>Unique and case-insensitive in Zendesk.</summary>
    public string? ExternalId { get; init; }

    public string? Details { get; init; }

    public string? Notes { get; init; }

    public IReadOnlyList<string>? DomainNames { get; init; }

    public long? GroupId { get; init; }

    public bool? SharedTickets { get; init; }

    public bool? SharedComments { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public IReadOnlyDictionary<string, object?>? OrganizationFields { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public string? Url { get; init; }
}

/// <summary>
/// The fields the connector writes to an organization. <see cref="Id"/> is required for updates and must be
/// null for creates; null properties are not sent (so they are left unchanged).
/// </summary>
public sealed record ZendeskOrganizationWrite
{
    public long? Id { get; init; }

    public required string Name { get; init; }

    public string? ExternalId { get; init; }

    public string? Details { get; init; }

    public string? Notes { get; init; }

    public IReadOnlyList<string>? DomainNames { get; init; }

    public long? GroupId { get; init; }

    public bool? SharedTickets { get; init; }

    public bool? SharedComments { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Custom field values (string or number).</summary>
    public IReadOnlyDictionary<string, object?>? OrganizationFields { get; init; }
}
