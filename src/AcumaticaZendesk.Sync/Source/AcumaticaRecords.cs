using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Source;

/// <summary>A record read from Acumatica: <see cref="Key"/> is the entity key (CustomerID, …); its LastModifiedDateTime drives the watermark.</summary>
public abstract record AcumaticaRecord
{
    public required EntityKind Kind { get; init; }

    public required string Key { get; init; }

    public required DateTimeOffset LastModifiedDateTime { get; init; }

    /// <summary>Attribute values (Attributes detail: AttributeID → Value).</summary>
    public IReadOnlyDictionary<string, string?> Attributes { get; init; } = new Dictionary<string, string?>();

    /// <summary>Fields asked for by <c>field:Name</c> mappings; finance fields may appear, the mapping validator keeps them out of Zendesk.</summary>
    public IReadOnlyDictionary<string, string?> Fields { get; init; } = new Dictionary<string, string?>();
}

/// <summary>A Customer or Vendor (a business account in one of its roles).</summary>
public sealed record AcumaticaAccount : AcumaticaRecord
{
    public required string Name { get; init; }

    public string? ClassId { get; init; }

    /// <summary>Active, On Hold, Credit Hold, Inactive, One-Time, …</summary>
    public string? Status { get; init; }

    public string? Email { get; init; }

    public string? Website { get; init; }

    public string? Phone { get; init; }

    public string? Note { get; init; }

    public string? ParentAccount { get; init; }
}

/// <summary>A Contact (of a business account) or an Employee.</summary>
public sealed record AcumaticaPerson : AcumaticaRecord
{
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? DisplayName { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    /// <summary>Business-account code the contact belongs to (null for employees and loose contacts).</summary>
    public string? BusinessAccount { get; init; }

    public string? Status { get; init; }

    public bool Active { get; init; } = true;

    public string? Note { get; init; }
}

/// <summary>
/// A row Acumatica returned that the adapter refused (malformed, no key or LastModifiedDateTime, oversized). It keeps its
/// place on the page (paging counts rows) and becomes a failed record. Its key is the record's key, else its <c>id</c>, else
/// <c>row-{n}</c>; an unreadable LastModifiedDateTime is <see cref="DateTimeOffset.MinValue"/> (never moves the watermark).
/// </summary>
public sealed record RefusedAcumaticaRecord : AcumaticaRecord
{
    /// <summary><c>MalformedRecord</c>, <c>MissingKey</c>, <c>MissingLastModified</c> or <c>OversizedRecord</c>.</summary>
    public required string Code { get; init; }

    /// <summary>Why, in words (never quotes field values).</summary>
    public required string Reason { get; init; }
}
