using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Sync.Fingerprints;
using AcumaticaZendesk.Sync.Json;
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

    /// <summary>
    /// Fingerprints are stored for every record: a scheme that wrote other bytes for the same payload would rewrite every
    /// record of every tenant once. The canonical JSON is checked against the first scheme's way of writing it (a node tree
    /// sorted and written back, kept here as the reference) on payloads with everything JSON escapes or orders.
    /// </summary>
    [Fact]
    public void Fingerprints_are_those_of_the_first_scheme_for_payloads_with_escapes_unicode_numbers_nesting_and_nulls()
    {
        object[] payloads =
        [
            Payload(("industry", "Retail & <Wholesale>"), ("Région", "Île-de-France"), ("quote", "say \"hi\" \\ 'o'"), ("émoji", "🚀 ok")),
            Payload() with { Details = "line1\nline2\ttab\u0001", Notes = null, DomainNames = ["b.example", "a.example"], Tags = [] },
            new UserPayload { ExternalId = "acu-contact:42", Name = "Zoë O'Brien", Email = "zoe+test@x.example", Phone = "+1 (555) 010-1000",
                Role = "end-user", OrganizationId = 9007199254740993 },
            new UserPayload { ExternalId = "acu-employee:EP0001", Name = "\u2028 sep", Role = "end-user" },
            new Dictionary<string, object?> { ["b"] = 1.5, ["a"] = new object?[] { null, 0, -1e-7, true, "x" }, ["c"] = new { z = 1, y = (string?)null } },
            new string?[] { "acumatica", null },
            "just a string",
        ];

        foreach (var payload in payloads)
        {
            var reference = ReferenceCanonicalJson(payload);
            Assert.Equal(Encoding.UTF8.GetString(reference), Encoding.UTF8.GetString(Fingerprint.CanonicalJson(payload)));
            Assert.Equal(Fingerprint.Version + Convert.ToHexStringLower(SHA256.HashData(reference)), Fingerprint.Of(payload));
        }
    }

    [Fact]
    public void Fields_whose_names_differ_only_in_case_are_both_fingerprinted()
    {
        // The first scheme's node tree matched names case-insensitively (web defaults) and threw on such a pair.
        var a = Fingerprint.Of(Payload(("Region", "EU"), ("region", "US")));
        var b = Fingerprint.Of(Payload(("Region", "US"), ("region", "EU")));

        Assert.NotEqual(a, b);
        Assert.Equal(
            """{"domainNames":[],"externalId":"C1","name":"Initrode","organizationFields":{"Region":"EU","region":"US"},"tags":["acu_customer","acumatica"]}""",
            Encoding.UTF8.GetString(Fingerprint.CanonicalJson(Payload(("region", "US"), ("Region", "EU")))));
    }

    private static byte[] ReferenceCanonicalJson(object payload)
    {
        var node = JsonSerializer.SerializeToNode(payload, payload.GetType(), SyncJson.Options);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteReference(writer, node);
        }

        return buffer.ToArray();
    }

    private static void WriteReference(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteReference(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteReference(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
