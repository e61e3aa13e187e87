using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Acumatica.Model;
using AcumaticaZendesk.Acumatica.Reading;

namespace AcumaticaZendesk.Acumatica.IntegrationTests;

/// <summary>
/// One page body read record by record: the size bounds are the largest record allowed, a refusal says what could be
/// made out of the raw record (so it is queued under its key and the watermark moves past it), and the words name
/// the field, never its value.
/// </summary>
public sealed class RecordReaderTests
{
    private static readonly DateTimeOffset Modified = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.Parse("6f1a1d2e-0b4c-4e1a-9f1e-8d6c5b4a3f21");

    private static JsonObject Record(string? key = "C01") => new()
    {
        ["id"] = Id.ToString(),
        ["CustomerID"] = key is null ? null : new JsonObject { ["value"] = key },
        ["CustomerName"] = new JsonObject { ["value"] = "Initrode" },
        ["LastModifiedDateTime"] = new JsonObject { ["value"] = Modified.ToString("o", CultureInfo.InvariantCulture) },
    };

    private static (List<AcumaticaCustomer> Items, List<AcumaticaRejectedRecord> Rejected) Read(
        JsonArray page, int maxBytes = 64 * 1024, int maxFields = 200, int skip = 0) =>
        AcumaticaRecordReader.ReadPage<AcumaticaCustomer>(page.ToJsonString(), "Customer", "CustomerID", new(maxBytes, maxFields), skip);

    private static int Bytes(JsonObject record) => Encoding.UTF8.GetByteCount(record.ToJsonString());

    [Fact]
    public void A_record_of_exactly_the_byte_bound_is_read_and_one_byte_more_is_refused()
    {
        var record = Record();
        var bound = Bytes(record);

        Assert.Single(Read([Record()], maxBytes: bound).Items);
        var refused = Assert.Single(Read([Record()], maxBytes: bound - 1).Rejected);

        Assert.Equal((AcumaticaRecordReader.Oversized, "C01"), (refused.Code, refused.Key));
        Assert.Contains($"over the bound of {bound - 1:N0} (Acumatica:Client:MaxRecordBytes)", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_of_exactly_the_field_bound_is_read_and_one_field_more_is_refused()
    {
        Assert.Single(Read([Record()], maxFields: 4).Items);
        var refused = Assert.Single(Read([Record()], maxFields: 3).Rejected);

        Assert.Equal((AcumaticaRecordReader.Oversized, Id, Modified), (refused.Code, refused.Id, refused.LastModified));
        Assert.Contains("carries 4 fields, over the bound of 3", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_without_its_key_is_refused_naming_the_key_field_with_its_id_and_time_made_out()
    {
        var refused = Assert.Single(Read([Record(key: null)], skip: 40).Rejected);

        Assert.Equal((40, (string?)null, (Guid?)Id, (DateTimeOffset?)Modified), (refused.Position, refused.Key, refused.Id, refused.LastModified));
        Assert.Equal(AcumaticaRecordReader.MissingKey, refused.Code);
        Assert.Equal("the Customer record has no CustomerID; the connector cannot track it", refused.Reason);
    }

    [Fact]
    public void A_blank_key_is_no_key()
    {
        var refused = Assert.Single(Read([Record(key: "   ")]).Rejected);

        Assert.Equal((AcumaticaRecordReader.MissingKey, (string?)null), (refused.Code, refused.Key));
    }

    [Fact]
    public void A_record_without_its_last_modified_time_is_refused_under_its_key()
    {
        var record = Record();
        record.Remove("LastModifiedDateTime");

        var refused = Assert.Single(Read([record]).Rejected);

        Assert.Equal((AcumaticaRecordReader.MissingLastModified, "C01", (DateTimeOffset?)null), (refused.Code, refused.Key, refused.LastModified));
        Assert.Equal("the Customer record 'C01' has no LastModifiedDateTime; incremental reads need it", refused.Reason);
    }

    [Fact]
    public void A_malformed_record_names_the_path_once_and_still_gives_its_key_id_and_time()
    {
        var record = Record();
        record["CustomerName"] = new JsonObject { ["value"] = new JsonArray(1, 2) };

        var refused = Assert.Single(Read([record]).Rejected);

        Assert.Equal(
            (AcumaticaRecordReader.Malformed, "C01", (Guid?)Id, (DateTimeOffset?)Modified),
            (refused.Code, refused.Key, refused.Id, refused.LastModified));
        Assert.Matches(@"^the Customer record is malformed at \$[.\w\[\]]*: \S", refused.Reason);
        Assert.DoesNotContain(" Path:", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void What_cannot_be_read_of_a_refused_record_is_left_null()
    {
        var record = Record();
        record["id"] = "not-a-guid";
        record["CustomerID"] = new JsonObject { ["value"] = new JsonObject() };
        record["LastModifiedDateTime"] = new JsonObject { ["value"] = 20261101 };

        var refused = Assert.Single(Read([record]).Rejected);

        Assert.Equal(((string?)null, (Guid?)null, (DateTimeOffset?)null), (refused.Key, refused.Id, refused.LastModified));
    }

    [Fact]
    public void A_numeric_key_is_read_as_its_digits()
    {
        var record = Record();
        record["CustomerID"] = new JsonObject { ["value"] = 1042 };
        record.Remove("LastModifiedDateTime");

        Assert.Equal("1042", Assert.Single(Read([record]).Rejected).Key);
    }

    [Fact]
    public void A_body_that_is_no_array_is_refused_as_a_whole_naming_what_it_was()
    {
        var error = Assert.Throws<JsonException>(() =>
            AcumaticaRecordReader.ReadPage<AcumaticaCustomer>("""{"value": []}""", "Customer", "CustomerID", new(1024, 10), 0));

        Assert.Equal("expected a JSON array of Customer records but found Object", error.Message);
    }

    [Fact]
    public void A_refused_record_that_changed_last_moves_the_watermark_and_the_next_pass_starts_at_it_minus_the_overlap()
    {
        var later = Modified.AddMinutes(5);
        var page = new AcumaticaPage<AcumaticaCustomer>([], Modified, 0, 10)
        {
            Rejected =
            [
                new AcumaticaRejectedRecord(0, "C02", null, later, AcumaticaRecordReader.Malformed, "malformed"),
                new AcumaticaRejectedRecord(1, "C03", null, Modified, AcumaticaRecordReader.Malformed, "malformed"),
                new AcumaticaRejectedRecord(2, null, null, null, AcumaticaRecordReader.Malformed, "unreadable"),
            ],
        };

        var next = AcumaticaIncrementalCursor.From(Modified).Advance(page, TimeSpan.FromSeconds(30));

        Assert.Equal(new AcumaticaIncrementalCursor(later.AddSeconds(-30), 0, later), next);
    }

    [Fact]
    public void A_first_pass_that_found_no_time_starts_the_next_pass_where_it_started()
    {
        var page = new AcumaticaPage<AcumaticaCustomer>([], null, 0, 10);

        Assert.Equal(AcumaticaIncrementalCursor.Initial, AcumaticaIncrementalCursor.Initial.Advance(page, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_missing_page_is_refused_by_name() =>
        Assert.Equal("page", Assert.Throws<ArgumentNullException>(() => AcumaticaIncrementalCursor.Initial.Advance<AcumaticaCustomer>(null!)).ParamName);
}
