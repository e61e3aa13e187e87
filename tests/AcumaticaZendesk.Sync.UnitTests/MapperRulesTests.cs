using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Sync.UnitTests.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Mapping rules a user sees in Zendesk: refused e-mails, the employees' organization, which role wins a field.</summary>
public sealed class MapperRulesTests
{
    [Theory]
    [InlineData("ann")]
    [InlineData("@initrode.example")]
    [InlineData("ann@")]
    [InlineData("ann@initrode")]
    [InlineData("ann@.example")]
    [InlineData("ann@b.")]
    [InlineData("ann@@initrode.example")]
    [InlineData("ann@work@initrode.example")]
    [InlineData("ann lee@initrode.example")]
    public void A_contact_with_an_invalid_e_mail_is_skipped_with_the_address_in_the_reason(string email)
    {
        var mapped = UserMapper.Map(Contact("101", "Ann", "Lee", email, "C1"), Tenant());

        Assert.Null(mapped.Value);
        Assert.Equal($"the e-mail address '{email}' is not valid", mapped.SkipReason);
    }

    [Theory]
    [InlineData("a@b.co")]
    [InlineData(" Ann.Lee@Initrode.Example ")]
    [InlineData("ann+zendesk@mail.initrode.example")]
    public void A_valid_e_mail_is_kept_trimmed_and_lower_case(string email)
    {
        var user = UserMapper.Map(Contact("101", "Ann", "Lee", email, "C1"), Tenant()).Value!;

        Assert.Equal(email.Trim().ToLowerInvariant(), user.Email);
    }

    [Fact]
    public void The_employees_organization_has_the_configured_name_else_the_tenant_s_display_name()
    {
        var named = Tenant() with { Mapping = new MappingOptions { EmployeeOrganization = new EmployeeOrganizationOptions { Name = "Contoso Staff" } } };

        Assert.Equal(("Contoso Staff", "acu-company:Contoso"), (UserMapper.OwnOrganization(named).Name, UserMapper.OwnOrganization(named).ExternalId));
        Assert.Equal("Contoso Ltd", UserMapper.OwnOrganization(Tenant()).Name);
        Assert.Equal(["acu_company", "acumatica"], UserMapper.OwnOrganization(Tenant()).Tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void When_customer_and_vendor_set_the_same_custom_field_the_customer_wins_and_the_vendor_fills_the_rest()
    {
        var customer = new OrganizationContribution
        {
            Kind = EntityKind.Customer,
            ExternalId = "ACME",
            Name = "Acme (customer)",
            Fields = new Dictionary<string, string> { ["segment"] = "retail" },
        };
        var vendor = new OrganizationContribution
        {
            Kind = EntityKind.Vendor,
            ExternalId = "ACME",
            Name = "Acme (vendor)",
            Notes = "vendor note",
            Fields = new Dictionary<string, string> { ["segment"] = "supplier", ["payment_contact"] = "ap@acme.example" },
        };

        var merged = OrganizationMapper.Merge([vendor, customer]);

        Assert.Equal("Acme (customer)", merged.Name);
        Assert.Equal("retail", merged.OrganizationFields["segment"]);
        Assert.Equal("ap@acme.example", merged.OrganizationFields["payment_contact"]);
        Assert.Equal("vendor note", merged.Notes);
    }
}
