using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Every standard mapping source carries its own Acumatica value into the Zendesk field a tenant maps it to.</summary>
public sealed class MappingSourcesTests
{
    private static readonly AcumaticaAccount Account = new()
    {
        Kind = EntityKind.Customer,
        Key = "C-ACME",
        Name = "Acme Ltd",
        ClassId = "WHOLESALE",
        Status = "On Hold",
        Email = "info@acme.example",
        Website = "https://www.acme.example",
        Phone = "+44 20 7946 0000",
        Note = "Key account",
        ParentAccount = "C-GROUP",
        LastModifiedDateTime = T0,
    };

    private static readonly AcumaticaPerson Person = new()
    {
        Kind = EntityKind.Contact,
        Key = "101",
        FirstName = "Ann",
        LastName = "Lee",
        DisplayName = "Dr Ann Lee",
        Email = "ann@acme.example",
        Phone = "+44 20 7946 0001",
        BusinessAccount = "C-ACME",
        Status = "Active",
        Note = "Prefers e-mail",
        LastModifiedDateTime = T0,
    };

    public static TheoryData<string, string> AccountSources() => new()
    {
        { "accountCode", "C-ACME" },
        { "name", "Acme Ltd" },
        { "class", "WHOLESALE" },
        { "status", "On Hold" },
        { "email", "info@acme.example" },
        { "website", "https://www.acme.example" },
        { "phone", "+44 20 7946 0000" },
        { "note", "Key account" },
        { "ParentAccount", "C-GROUP" },
    };

    public static TheoryData<string, string> PersonSources() => new()
    {
        { "key", "101" },
        { "firstName", "Ann" },
        { "lastName", "Lee" },
        { "displayName", "Dr Ann Lee" },
        { "email", "ann@acme.example" },
        { "phone", "+44 20 7946 0001" },
        { "businessAccount", "C-ACME" },
        { "status", "Active" },
        { "Note", "Prefers e-mail" },
    };

    [Theory]
    [MemberData(nameof(AccountSources))]
    public void Each_account_source_fills_the_organization_field_it_is_mapped_to(string source, string expected)
    {
        Assert.Null(MappingCatalog.CheckSource(source, MappingSide.Organization));
        var options = new MappingOptions { Organization = [new FieldMapping(source, "organization_fields.mapped")] };

        var organization = OrganizationMapper.Map(Account, options).Value!;

        Assert.Equal(expected, organization.Fields["mapped"]);
    }

    [Theory]
    [MemberData(nameof(PersonSources))]
    public void Each_person_source_fills_the_user_field_it_is_mapped_to(string source, string expected)
    {
        Assert.Null(MappingCatalog.CheckSource(source, MappingSide.User));
        var tenant = Tenant() with { Mapping = new MappingOptions { User = [new FieldMapping(source, "user_fields.mapped")] } };

        var user = UserMapper.Map(Person, tenant).Value!;

        Assert.Equal(expected, user.UserFields["mapped"]);
    }

    [Fact]
    public void Attributes_and_extra_fields_map_to_users_by_name_in_any_case()
    {
        var person = Person with
        {
            Attributes = new Dictionary<string, string?> { ["LANGUAGE"] = " de " },
            Fields = new Dictionary<string, string?> { ["JobTitle"] = "Buyer" },
        };
        var tenant = Tenant() with
        {
            Mapping = new MappingOptions
            {
                User = [new FieldMapping("attribute:language", "user_fields.language"), new FieldMapping("field:jobtitle", "tags", "title")],
            },
        };

        var user = UserMapper.Map(person, tenant).Value!;

        Assert.Equal("de", user.UserFields["language"]);
        Assert.Contains("title_buyer", user.Tags);
    }

    [Theory]
    [InlineData("accountCode", MappingSide.User)]
    [InlineData("parentAccount", MappingSide.User)]
    [InlineData("firstName", MappingSide.Organization)]
    [InlineData("businessAccount", MappingSide.Organization)]
    public void A_source_of_the_other_side_is_refused_with_the_sources_that_side_knows(string source, MappingSide side)
    {
        var error = MappingCatalog.CheckSource(source, side);

        Assert.NotNull(error);
        Assert.StartsWith($"unknown mapping source '{source}'", error, StringComparison.Ordinal);
        Assert.Contains(side == MappingSide.User ? "firstName" : "accountCode", error, StringComparison.Ordinal);
    }
}
