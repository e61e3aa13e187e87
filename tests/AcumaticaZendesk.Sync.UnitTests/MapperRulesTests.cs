using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Testing.Fakes.TestData;

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

    [Fact]
    public void Mapped_values_add_to_the_record_s_note_in_order_and_empty_values_change_nothing()
    {
        var options = new MappingOptions
        {
            Organization =
            [
                new FieldMapping("class", "notes"),
                new FieldMapping("phone", "notes"),
                new FieldMapping("website", "tags"),
            ],
        };
        var account = Customer("C1", "Initrode") with { Note = " Key account ", ClassId = "RETAIL", Phone = "  " };

        var organization = OrganizationMapper.Map(account, options).Value!;

        Assert.Equal("Key account\nRETAIL", organization.Notes);
        Assert.Equal(OrganizationMapper.Map(account, new MappingOptions()).Value!.Tags, organization.Tags); // no web site: no tag
        var noNote = OrganizationMapper.Map(account with { Note = null }, options with { Organization = [new FieldMapping("class", "notes")] }).Value!;
        Assert.Equal("RETAIL", noNote.Notes);
    }

    [Fact]
    public void A_tag_mapping_without_a_prefix_makes_the_bare_value_a_tag()
    {
        var options = new MappingOptions { Organization = [new FieldMapping("field:Tier", "tags")] };
        var account = Customer("C1", "Initrode") with { Fields = new Dictionary<string, string?> { ["Tier"] = "Gold Plus" } };

        Assert.Contains("gold_plus", OrganizationMapper.Map(account, options).Value!.Tags);
        Assert.Equal("tier_gold_plus", Tags.Make("tier", " Gold Plus "));
        Assert.Null(Tags.Make("tier", "  "));
        Assert.Equal(["a", "b"], Tags.Normalize(["b", string.Empty, null, "a", "b"]));
    }

    [Fact]
    public void Domain_names_are_sorted_and_only_set_when_the_tenant_wants_them()
    {
        var account = Customer("C1", "Initrode", email: "sales@zeta.example") with { Website = "https://alpha.example" };

        Assert.Equal(["alpha.example", "zeta.example"], OrganizationMapper.Map(account, new MappingOptions()).Value!.DomainNames);
        var without = OrganizationMapper.Map(account, new MappingOptions { IncludeDomainNames = false }).Value!;
        Assert.Empty(without.DomainNames);
        Assert.Equal("zeta.example", without.EmailDomain); // still known for onboarding matches
        var vendor = OrganizationMapper.Map(Vendor("C1", "Initrode") with { Website = "www.beta.example" }, new MappingOptions()).Value!;
        var customer = OrganizationMapper.Map(account with { Website = null }, new MappingOptions()).Value!;
        Assert.Equal(["beta.example", "zeta.example"], OrganizationMapper.Merge([vendor, customer]).DomainNames);
    }

    [Fact]
    public void Only_accounts_become_organizations_and_only_people_become_users()
    {
        var person = Assert.Throws<ArgumentException>(
            () => OrganizationMapper.Map(Customer("101", "Ann") with { Kind = EntityKind.Contact }, new MappingOptions()));
        Assert.Contains("Contact is not an account kind.", person.Message, StringComparison.Ordinal);
        var account = Assert.Throws<ArgumentException>(() => UserMapper.Map(Employee("V1", "V", null) with { Kind = EntityKind.Vendor }, Tenant()));
        Assert.Contains("Vendor is not a person kind.", account.Message, StringComparison.Ordinal);
        var none = Assert.Throws<ArgumentException>(() => OrganizationMapper.Merge([]));
        Assert.Contains("At least one contribution is needed.", none.Message, StringComparison.Ordinal);
        Assert.Equal("the account has no code", OrganizationMapper.Map(Customer("  ", "Nameless code"), new MappingOptions()).SkipReason);
    }

    [Fact]
    public void External_ids_follow_the_documented_scheme_per_kind()
    {
        Assert.Equal("C1", ExternalIds.For(EntityKind.Customer, " C1 "));
        Assert.Equal("V1", ExternalIds.For(EntityKind.Vendor, "V1"));
        Assert.Equal("acu-contact:101", ExternalIds.For(EntityKind.Contact, " 101"));
        Assert.Equal("acu-employee:EP7", ExternalIds.For(EntityKind.Employee, "EP7 "));
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => ExternalIds.User(EntityKind.Customer, "C1"));
        Assert.Contains("Only contacts and employees become users.", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_s_note_blank_e_mail_and_active_status_reach_zendesk_as_they_are()
    {
        var contact = Contact("101", "Ann", "Lee", "   ", "C1") with { Note = "  Prefers phone  ", Active = true };

        var user = UserMapper.Map(contact, Tenant()).Value!;

        Assert.Null(user.Email);
        Assert.Equal("Prefers phone", user.Notes);
        Assert.DoesNotContain(OrganizationMapper.InactiveTag, user.Tags);
        var noNotes = Tenant() with { Mapping = new MappingOptions { IncludeNotes = false } };
        Assert.Null(UserMapper.Map(contact, noNotes).Value!.Notes);
    }
}
