using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Acumatica.Http;
using AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Acumatica.Json;
using AcumaticaZendesk.Acumatica.Model;

namespace AcumaticaZendesk.Acumatica.IntegrationTests;

public sealed class ValueObjectTests
{
    [Fact]
    public void Customer_sample_reads_into_typed_values()
    {
        var customer = Fixtures.Sample("customer_GET_by_keys").GetProperty("body").Deserialize<AcumaticaCustomer>(AcumaticaJson.Options)!;

        Assert.Equal(Guid.Parse("0d7e3a4c-5b2f-ef11-8c65-0e1f2a3b4c5d"), customer.Id);
        Assert.Equal(1, customer.RowNumber);
        Assert.Equal(string.Empty, customer.Note!.Value);
        Assert.Equal("C000000101", customer.Key);
        Assert.Equal("Contoso Pharmacy", customer.CustomerName!.Value);
        Assert.Equal("DEFAULT", customer.CustomerClass!.Value);
        Assert.Equal("Active", customer.Status!.Value);
        Assert.NotNull(customer.ParentRecord); // "ParentRecord": {} is present but empty
        Assert.Null(customer.ParentRecord.Value);
        Assert.Equal(new DateTimeOffset(2024, 11, 18, 16, 2, 45, 913, TimeSpan.Zero), customer.LastModified);
        Assert.Equal(customer.Id, customer.NoteID!.Value);
        Assert.Equal("ap@contoso.example", customer.MainContact!.Email!.Value);
        Assert.Equal(100122, customer.MainContact.ContactID!.Value);
        Assert.Null(customer.MainContact.Note); // linked entities carry "note": null
        Assert.Empty(customer.Custom!);
        Assert.True(customer.AdditionalFields!.ContainsKey("_links")); // unknown members are tolerated and kept
        Assert.Equal(7321, customer.AdditionalFields["BAccountID"].GetProperty("value").GetInt32());
    }

    [Fact]
    public void Customer_sample_round_trips_without_loss()
    {
        var original = JsonNode.Parse(Fixtures.Sample("customer_GET_by_keys").GetProperty("body").GetRawText())!;
        var customer = original.Deserialize<AcumaticaCustomer>(AcumaticaJson.Options)!;

        var written = JsonSerializer.SerializeToNode(customer, AcumaticaJson.Options)!;

        // A null member ("note": null on linked entities) and an absent one mean the same and are not written.
        Assert.True(JsonNode.DeepEquals(WithoutNulls(original), WithoutNulls(written)), $"round trip differs:\n{written.ToJsonString()}");
    }

    [Fact]
    public void Field_errors_are_read_and_written()
    {
        var json = Fixtures.Sample("customer_PUT_422_field_error_doc").GetProperty("body_fragment").GetRawText();

        var customer = JsonSerializer.Deserialize<AcumaticaCustomer>(json, AcumaticaJson.Options)!;

        Assert.Equal("ABARTENDE1", customer.CustomerID!.Value);
        Assert.Equal("'Customer' cannot be found in the system.", customer.CustomerID.Error);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonSerializer.SerializeToNode(customer, AcumaticaJson.Options)));
    }

    [Fact]
    public void Validation_body_yields_record_and_nested_field_errors()
    {
        var body = Fixtures.Sample("customer_PUT_422_validation_error").GetProperty("body").GetRawText();

        var (entityError, fields) = AcumaticaHttp.ReadValidationErrors(body);

        Assert.StartsWith("Inserting  'AP Transactions' record raised at least one error", entityError, StringComparison.Ordinal);
        var field = Assert.Single(fields);
        Assert.Equal("Details[0].Project", field.Path);
        Assert.Equal("Project 'TES2323T  ' cannot be found in the system.", field.Message);
    }

    [Fact]
    public void Empty_values_are_written_as_empty_wrappers_and_absent_ones_not_at_all()
    {
        var activity = new AcumaticaActivity { Summary = "s", Body = new AcumaticaValue<string?>(null), Internal = false };

        var json = JsonSerializer.Serialize(activity, AcumaticaJson.Options);

        Assert.Equal("""{"Summary":{"value":"s"},"Body":{},"Internal":{"value":false}}""", json);
    }

    [Fact]
    public void Activity_sample_reads_guid_and_body()
    {
        var activity = Fixtures.Sample("activity_PUT_linked_to_customer").GetProperty("body").Deserialize<AcumaticaActivity>(AcumaticaJson.Options)!;

        Assert.Equal(Guid.Parse("0d7e3a4c-5b2f-ef11-8c65-0e1f2a3b4c5d"), activity.RelatedEntityNoteID!.Value);
        Assert.Equal("PX.Objects.AR.Customer", activity.RelatedEntityType!.Value);
        Assert.Equal("<p>Ticket text</p>", activity.Body!.Value);
    }

    [Fact]
    public void Custom_fields_round_trip_with_their_type()
    {
        const string json =
            """
            {
              "custom": {
                "Document": {
                  "UsrZendeskOrgID": {
                    "type": "CustomStringField",
                    "value": "360001"
                  },
                  "UsrOpenTickets": {
                    "type": "CustomIntField",
                    "value": 3
                  }
                }
              }
            }
            """;

        var customer = JsonSerializer.Deserialize<AcumaticaCustomer>(json, AcumaticaJson.Options)!;

        var field = customer.Custom!["Document"]["UsrZendeskOrgID"];
        Assert.Equal(("CustomStringField", "360001"), (field.Type, field.Value!.Value.GetString()));
        Assert.Equal(3, customer.Custom["Document"]["UsrOpenTickets"].Value!.Value.GetInt32());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonSerializer.SerializeToNode(customer, AcumaticaJson.Options)));
    }

    [Fact]
    public void Numbers_sent_as_strings_are_tolerated_on_read()
    {
        var contact = JsonSerializer.Deserialize<AcumaticaContact>(
            """{"ContactID":{"value":"42"},"Active":{"value":true},"Unknown":{"value":1}}""",
            AcumaticaJson.Options)!;

        Assert.Equal("42", contact.Key);
        Assert.True(contact.Active!.Value);
    }

    [Fact]
    public void A_bare_value_where_a_wrapper_belongs_is_a_clear_error()
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AcumaticaContact>("""{"Email":"x@y.z"}""", AcumaticaJson.Options));

        Assert.Contains("value wrapper", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_literal_uses_the_exact_format_in_utc()
    {
        var local = new DateTimeOffset(2024, 7, 15, 10, 31, 28, 402, TimeSpan.FromHours(3)).AddTicks(9999);

        Assert.Equal("2024-07-15T07:31:28.402+00:00", AcumaticaJson.FormatDateTimeOffset(local));
    }

    private static JsonNode WithoutNulls(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj.ToList())
            {
                if (value is null)
                    obj.Remove(name);
                else
                    WithoutNulls(value);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
                WithoutNulls(item!);
        }

        return node;
    }
}
