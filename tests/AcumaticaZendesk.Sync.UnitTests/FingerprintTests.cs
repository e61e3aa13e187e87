using System.Text;
using AcumaticaZendesk.Sync.Fingerprints;
using AcumaticaZendesk.Sync.Mapping;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class FingerprintTests
{
    private static OrganizationPayload Payload(params (string Key, string Value)[] fields) => new()
    {
        ExternalId = "C1",
        Name = "Initrode",
        Tags = ["acu_customer", "acumatica"],
        OrganizationFields = fields.ToDictionary(f => f.Key, f => f.Value),
    };

    [Fact]
    public void Equal_payloads_have_equal_fingerprints_whatever_the_dictionary_order()
    {
        var a = Fingerprint.Of(Payload(("industry", "Retail"), ("region", "EU")));
        var b = Fingerprint.Of(Payload(("region", "EU"), ("industry", "Retail")));

        Assert.Equal(a, b);
        Assert.Matches("^v1:[0-9a-f]{64}$", a);
    }

    [Fact]
    public void Any_change_in_the_payload_changes_the_fingerprint()
    {
        var original = Fingerprint.Of(Payload(("industry", "Retail")));

        Assert.NotEqual(original, Fingerprint.Of(Payload(("industry", "Retail ")))); // whitespace matters
        Assert.NotEqual(original, Fingerprint.Of(Payload(("industry", "Retail")) with { Name = "Initrode Inc" }));
        Assert.NotEqual(original, Fingerprint.Of(Payload(("industry", "Retail")) with { Notes = "new note" }));
        Assert.NotEqual(original, Fingerprint.Of(Payload(("industry", "Retail")) with { Tags = ["acu_customer", "acu_inactive", "acumatica"] }));
    }

    [Fact]
    public void Canonical_json_sorts_properties_and_drops_nulls()
    {
        var json = Encoding.UTF8.GetString(
            Fingerprint.CanonicalJson(new UserPayload { ExternalId = "acu-contact:1", Name = "Ann", Role = "end-user", OrganizationId = 7 }));

        Assert.Equal("""{"externalId":"acu-contact:1","name":"Ann","organizationId":7,"role":"end-user","tags":[],"userFields":{}}""", json);
    }

    [Fact]
    public void Canonical_json_keeps_an_empty_entry_of_a_list_so_it_counts_as_a_change()
    {
        Assert.Equal("""["acumatica",null]""", Encoding.UTF8.GetString(Fingerprint.CanonicalJson(new string?[] { "acumatica", null })));
        Assert.NotEqual(Fingerprint.Of(new string?[] { "acumatica" }), Fingerprint.Of(new string?[] { "acumatica", null }));
    }

    [Fact]
    public void Mapping_the_same_record_twice_gives_the_same_fingerprint()
    {
        var tenant = TestData.Tenant();
        var first = UserMapper.Map(TestData.Contact("1", "Ann", "Lee", "ann@x.example", "C1"), tenant).Value!;
        var second = UserMapper.Map(TestData.Contact("1", "Ann", "Lee", "ann@x.example", "C1"), tenant).Value!;

        Assert.Equal(Fingerprint.Of(first), Fingerprint.Of(second));
    }
}
