using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Mapping;

/// <summary>What one role of a business account (Customer or Vendor) says about its organization; see <see cref="OrganizationMapper.Merge"/>.</summary>
public sealed record OrganizationContribution
{
    public required EntityKind Kind { get; init; }

    public required string ExternalId { get; init; }

    public required string Name { get; init; }

    public bool Inactive { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<string> DomainNames { get; init; } = [];

    public string? Notes { get; init; }

    public string? Details { get; init; }

    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>E-mail domain of the account (for onboarding matches), even when it is not a domain name we set.</summary>
    public string? EmailDomain { get; init; }
}

/// <summary>Customer/Vendor → Zendesk organization. Pure; no finance data (the validator refuses such mappings).</summary>
public static class OrganizationMapper
{
    public const string InactiveTag = "acu_inactive";
    public const string SourceTag = "acumatica";

    public static Mapped<OrganizationContribution> Map(AcumaticaAccount account, MappingOptions options)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        if (!ExternalIds.IsOrganizationKind(account.Kind))
        {
            throw new ArgumentException($"{account.Kind} is not an account kind.", nameof(account));
        }

        if (string.IsNullOrWhiteSpace(account.Key))
        {
            return Mapped<OrganizationContribution>.Skip("the account has no code");
        }

        if (string.IsNullOrWhiteSpace(account.Name))
        {
            return Mapped<OrganizationContribution>.Skip("the account has no name (Zendesk requires one)");
        }

        var kind = account.Kind.ToString().ToLowerInvariant();
        var tags = new List<string?>
        {
            SourceTag,
            $"acu_{kind}",
            Tags.Make("acu_class", account.ClassId),
            Tags.Make($"acu_{kind}_status", account.Status),
        };

        string? notes = options.IncludeNotes && !string.IsNullOrWhiteSpace(account.Note) ? account.Note.Trim() : null;
        string? details = null;
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var mapping in options.Organization)
        {
            var value = MappingCatalog.Read(account, mapping.Source)?.Trim();
            Apply(mapping, value, tags, fields, "organization_fields.", ref notes, ref details);
        }

        var emailDomain = Domains.FromEmail(account.Email);
        var domains = options.IncludeDomainNames
            ? new[] { emailDomain, Domains.FromWebsite(account.Website) }.Where(d => d is not null && !Domains.IsPublic(d))
                .OfType<string>()
                .Distinct()
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];

        return Mapped<OrganizationContribution>.Ok(new OrganizationContribution
        {
            Kind = account.Kind,
            ExternalId = ExternalIds.Organization(account.Key),
            Name = account.Name.Trim(),
            Inactive = IsInactive(account.Status),
            Tags = Tags.Normalize(tags),
            DomainNames = domains,
            Notes = notes,
            Details = details,
            Fields = fields,
            EmailDomain = emailDomain,
        });
    }

    /// <summary>
    /// One organization from an account's roles: Customer first for name, notes, details and fields; tags and domains
    /// united; <c>acu_inactive</c> only when every role is inactive (inactive accounts are flagged, never deleted).
    /// </summary>
    public static OrganizationPayload Merge(IEnumerable<OrganizationContribution> contributions)
    {
        var ordered = contributions.OrderBy(c => c.Kind).ToArray();
        if (ordered.Length == 0)
        {
            throw new ArgumentException("At least one contribution is needed.", nameof(contributions));
        }

        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var contribution in ordered.Reverse())
        {
            foreach (var (key, value) in contribution.Fields)
            {
                fields[key] = value;
            }
        }

        var tags = ordered.SelectMany(c => c.Tags).Append(ordered.All(c => c.Inactive) ? InactiveTag : null);
        return new OrganizationPayload
        {
            ExternalId = ordered[0].ExternalId,
            Name = ordered[0].Name,
            Notes = ordered.Select(c => c.Notes).FirstOrDefault(n => n is not null),
            Details = ordered.Select(c => c.Details).FirstOrDefault(n => n is not null),
            Tags = Tags.Normalize(tags),
            DomainNames = ordered.SelectMany(c => c.DomainNames).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            OrganizationFields = fields,
        };
    }

    internal static void Apply(
        FieldMapping mapping,
        string? value,
        List<string?> tags,
        SortedDictionary<string, string> fields,
        string fieldPrefix,
        ref string? notes,
        ref string? details)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        switch (mapping.Target)
        {
            case "tags":
                tags.Add(Tags.Make(mapping.TagPrefix ?? string.Empty, value));
                break;
            case "notes":
                notes = notes is null ? value : $"{notes}\n{value}";
                break;
            case "details":
                details = value;
                break;
            default:
                if (mapping.Target.StartsWith(fieldPrefix, StringComparison.Ordinal))
                {
                    fields[mapping.Target[fieldPrefix.Length..]] = value;
                }

                break;
        }
    }

    private static bool IsInactive(string? status) =>
        string.Equals(status?.Trim(), "Inactive", StringComparison.OrdinalIgnoreCase);
}
