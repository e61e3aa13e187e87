using System.Globalization;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Http;

namespace AcumaticaZendesk.OperatorConsole.Onboarding;

/// <summary>
/// The mapping step's fields, named by their JSON paths in the tenant configuration (<c>mapping.organization[0].source</c>,
/// <c>schedule</c>, …) so a validation error lands at its input. Field-mapping rows left entirely empty are dropped.
/// </summary>
public sealed class MappingForm
{
    /// <summary>Most field-mapping rows read from one post per side (a form of hostile size is cut here).</summary>
    public const int MaxRows = 50;

    public IReadOnlyList<EntityKind> EntityKinds { get; init; } = [];

    public string Onboarding { get; init; } = "adopt";

    public string? Schedule { get; init; }

    public bool IncludeNotes { get; init; }

    public bool IncludeDomainNames { get; init; }

    public bool MakeNewEmailPrimary { get; init; }

    public string UserRole { get; init; } = "end-user";

    public bool EmployeeOrganization { get; init; }

    public string? EmployeeOrganizationName { get; init; }

    public IReadOnlyList<FieldMapping> Organization { get; init; } = [];

    public IReadOnlyList<FieldMapping> User { get; init; } = [];

    public static IReadOnlyList<EntityKind> Kinds { get; } = [EntityKind.Customer, EntityKind.Vendor, EntityKind.Contact, EntityKind.Employee];

    public static MappingForm From(TenantConfig tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return new()
        {
            EntityKinds = tenant.EntityKinds,
            Onboarding = Kebab(tenant.Onboarding.ToString()),
            Schedule = tenant.Schedule,
            IncludeNotes = tenant.Mapping.IncludeNotes,
            IncludeDomainNames = tenant.Mapping.IncludeDomainNames,
            MakeNewEmailPrimary = tenant.Mapping.MakeNewEmailPrimary,
            UserRole = tenant.Mapping.UserRole,
            EmployeeOrganization = tenant.Mapping.EmployeeOrganization.Enabled,
            EmployeeOrganizationName = tenant.Mapping.EmployeeOrganization.Name,
            Organization = tenant.Mapping.Organization,
            User = tenant.Mapping.User,
        };
    }

    public static MappingForm Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var form = context.Request.Form;
        return new()
        {
            EntityKinds = [.. Kinds.Where(k => form["entityKinds"].Contains(Kebab(k.ToString())))],
            Onboarding = PostedForm.Field(context, "onboarding") ?? string.Empty,
            Schedule = PostedForm.Field(context, "schedule"),
            IncludeNotes = PostedForm.Field(context, "mapping.includeNotes") == "true",
            IncludeDomainNames = PostedForm.Field(context, "mapping.includeDomainNames") == "true",
            MakeNewEmailPrimary = PostedForm.Field(context, "mapping.makeNewEmailPrimary") == "true",
            UserRole = PostedForm.Field(context, "mapping.userRole") ?? string.Empty,
            EmployeeOrganization = PostedForm.Field(context, "mapping.employeeOrganization.enabled") == "true",
            EmployeeOrganizationName = PostedForm.Field(context, "mapping.employeeOrganization.name"),
            Organization = Rows(context, "mapping.organization"),
            User = Rows(context, "mapping.user"),
        };
    }

    /// <summary>
    /// The tenant with this form's choices. An unknown onboarding policy is reported at its field (the configuration
    /// cannot hold it); everything else is validated by the same rules as the API's.
    /// </summary>
    public TenantConfig Apply(TenantConfig tenant, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(errors);
        var policy = Enum.GetValues<OnboardingPolicy>().FirstOrDefault(p => Kebab(p.ToString()) == Onboarding, (OnboardingPolicy)(-1));
        if (!Enum.IsDefined(policy))
        {
            errors.Add("onboarding", "must be adopt, create-only or report-only");
            policy = tenant.Onboarding;
        }

        return tenant with
        {
            EntityKinds = EntityKinds,
            Onboarding = policy,
            Schedule = Schedule,
            Mapping = tenant.Mapping with
            {
                IncludeNotes = IncludeNotes,
                IncludeDomainNames = IncludeDomainNames,
                MakeNewEmailPrimary = MakeNewEmailPrimary,
                UserRole = UserRole,
                EmployeeOrganization = tenant.Mapping.EmployeeOrganization with { Enabled = EmployeeOrganization, Name = EmployeeOrganizationName },
                Organization = Organization,
                User = User,
            },
        };
    }

    public static string Kebab(string name) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(name);

    private static FieldMapping[] Rows(HttpContext context, string path)
    {
        var rows = new List<FieldMapping>();
        for (var i = 0; i < MaxRows; i++)
        {
            var at = $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (!context.Request.Form.ContainsKey(at + ".source"))
            {
                break;
            }

            var source = PostedForm.Field(context, at + ".source");
            var target = PostedForm.Field(context, at + ".target");
            var prefix = PostedForm.Field(context, at + ".tagPrefix");
            if (source is not null || target is not null || prefix is not null)
            {
                rows.Add(new FieldMapping(source ?? string.Empty, target ?? string.Empty, prefix));
            }
        }

        return [.. rows];
    }
}
