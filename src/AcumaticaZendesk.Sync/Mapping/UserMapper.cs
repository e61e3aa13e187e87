using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Mapping;

/// <summary>Contact/Employee → Zendesk user. Pure; the engine fills in <see cref="UserPayload.OrganizationId"/>.</summary>
public static class UserMapper
{
    public static Mapped<UserPayload> Map(AcumaticaPerson person, TenantConfig tenant)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(tenant);
        if (ExternalIds.IsOrganizationKind(person.Kind))
        {
            throw new ArgumentException($"{person.Kind} is not a person kind.", nameof(person));
        }

        var options = tenant.Mapping;
        var email = person.Email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            email = null;
        }
        else if (!LooksLikeEmail(email))
        {
            return Mapped<UserPayload>.Skip($"the e-mail address '{email}' is not valid");
        }

        var name = FirstNonBlank(person.DisplayName, $"{person.FirstName} {person.LastName}", email);
        if (name is null)
        {
            return Mapped<UserPayload>.Skip("the record has neither a name nor an e-mail address");
        }

        var kind = person.Kind.ToString().ToLowerInvariant();
        var tags = new List<string?> { OrganizationMapper.SourceTag, $"acu_{kind}", person.Active ? null : OrganizationMapper.InactiveTag };
        string? notes = options.IncludeNotes && !string.IsNullOrWhiteSpace(person.Note) ? person.Note.Trim() : null;
        string? details = null;
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var mapping in options.User)
        {
            OrganizationMapper.Apply(mapping, MappingCatalog.Read(person, mapping.Source)?.Trim(), tags, fields, "user_fields.", ref notes, ref details);
        }

        return Mapped<UserPayload>.Ok(new UserPayload
        {
            ExternalId = ExternalIds.User(person.Kind, person.Key),
            Name = name,
            Email = email?.ToLowerInvariant(),
            Phone = string.IsNullOrWhiteSpace(person.Phone) ? null : person.Phone.Trim(),
            Role = options.UserRole,
            OrganizationExternalId = OrganizationFor(person, tenant),
            Notes = notes,
            Details = details,
            Tags = Tags.Normalize(tags),
            UserFields = fields,
        });
    }

    /// <summary>external_id of the organization the person belongs to, or null.</summary>
    public static string? OrganizationFor(AcumaticaPerson person, TenantConfig tenant) => person.Kind switch
    {
        EntityKind.Contact when !string.IsNullOrWhiteSpace(person.BusinessAccount) => ExternalIds.Organization(person.BusinessAccount),
        EntityKind.Employee when tenant.Mapping.EmployeeOrganization.Enabled => OwnOrganizationExternalId(tenant),
        _ => null,
    };

    public static string OwnOrganizationExternalId(TenantConfig tenant) =>
        tenant.Mapping.EmployeeOrganization.ExternalId ?? ExternalIds.Company(tenant.Acumatica.Company);

    public static string OwnOrganizationName(TenantConfig tenant) =>
        tenant.Mapping.EmployeeOrganization.Name ?? tenant.DisplayName;

    /// <summary>The tenant's own organization (employees' default), as created in Zendesk.</summary>
    public static OrganizationPayload OwnOrganization(TenantConfig tenant) => new()
    {
        ExternalId = OwnOrganizationExternalId(tenant),
        Name = OwnOrganizationName(tenant),
        Tags = [OrganizationMapper.SourceTag, "acu_company"],
    };

    private static string? FirstNonBlank(params string?[] values) =>
        values.Select(v => v?.Trim()).FirstOrDefault(v => !string.IsNullOrEmpty(v));

    private static bool LooksLikeEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == email.LastIndexOf('@') && at < email.Length - 3
            && email.IndexOf('.', at) > at + 1 && !email.Any(char.IsWhiteSpace);
    }
}
