namespace AcumaticaZendesk.Sync.Mapping;

/// <summary>The organization we want Zendesk to hold; collections sorted so the fingerprint does not depend on input order.</summary>
public sealed record OrganizationPayload
{
    public required string ExternalId { get; init; }

    public required string Name { get; init; }

    public string? Details { get; init; }

    public string? Notes { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<string> DomainNames { get; init; } = [];

    public IReadOnlyDictionary<string, string> OrganizationFields { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>The user we want Zendesk to hold.</summary>
public sealed record UserPayload
{
    public required string ExternalId { get; init; }

    public required string Name { get; init; }

    /// <summary>Primary e-mail: sent on create only; a change adds an identity (see the engine).</summary>
    public string? Email { get; init; }

    public string? Phone { get; init; }

    public required string Role { get; init; }

    /// <summary>Zendesk id of the user's default organization; resolved by the engine, null when none.</summary>
    public long? OrganizationId { get; init; }

    /// <summary>external_id of the organization the user belongs to (resolved to <see cref="OrganizationId"/>).</summary>
    public string? OrganizationExternalId { get; init; }

    public string? Details { get; init; }

    public string? Notes { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyDictionary<string, string> UserFields { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}
