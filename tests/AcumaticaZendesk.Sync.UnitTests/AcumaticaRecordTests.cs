using AcumaticaZendesk.Sync.Mapping;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>What a record read from Acumatica means when a field was not sent.</summary>
public sealed class AcumaticaRecordTests
{
    [Fact]
    public void A_person_read_without_an_active_flag_is_active_and_not_tagged_inactive()
    {
        var contact = Contact("101", "Ann", "Lee", "ann@initrode.example", null);

        var mapped = UserMapper.Map(contact, Tenant()).Value!;

        Assert.True(contact.Active);
        Assert.DoesNotContain(OrganizationMapper.InactiveTag, mapped.Tags);
        Assert.Contains(OrganizationMapper.InactiveTag, UserMapper.Map(contact with { Active = false }, Tenant()).Value!.Tags);
    }
}
