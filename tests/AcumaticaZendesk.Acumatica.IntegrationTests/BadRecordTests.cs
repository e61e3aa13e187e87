using System.Text.Json.Nodes;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Acumatica.Reading;

namespace AcumaticaZendesk.Acumatica.IntegrationTests;

/// <summary>Malformed and oversized records are refused one by one; the rest of the page is read; bodies are bounded.</summary>
public sealed class BadRecordTests : IDisposable
{
    private const string Modified = "2026-11-01T08:00:00+00:00";
    private readonly FakeAcumatica _acu = new();
    private readonly TestHost _host = new(configure: o =>
    {
        o.MaxResponseBytes = 4 * 1024 * 1024;
        o.MaxRecordBytes = 64 * 1024;
        o.MaxRecordFields = 200;
    });

    public BadRecordTests() => _ = new TokenEndpoint(_acu);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Good(string key) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["CustomerID"] = new JsonObject { ["value"] = key },
        ["CustomerName"] = new JsonObject { ["value"] = $"Name of {key}" },
        ["LastModifiedDateTime"] = new JsonObject { ["value"] = Modified },
    };

    private static JsonObject With(string key, string field, JsonNode? value)
    {
        var record = Good(key);
        record[field] = value;
        return record;
    }

    [Fact]
    public async Task One_bad_record_is_refused_with_its_reason_and_the_rest_of_the_page_is_read()
    {
        var missingKeyId = Guid.NewGuid();
        var manyFields = Good("C08");
        for (var i = 0; i < 500; i++)
            manyFields[$"Extra{i}"] = new JsonObject { ["value"] = i };
        var missingKey = Good("x");
        missingKey.Remove("CustomerID");
        missingKey["id"] = missingKeyId.ToString();
        var page = new JsonArray(
            Good("C01"),
            With("C02", "CustomerName", new JsonObject { ["value"] = new JsonArray(1, 2) }),  // wrong JSON type
            missingKey,                                                                      // no key
            With("C04", "LastModifiedDateTime", new JsonObject { ["value"] = "not a date" }), // invalid date
            With("C05", "CustomerName", "bare string"),                                       // broken {"value":…} wrapping
            With("C06", "CustomerName", new JsonObject { ["value"] = new string('X', 1024 * 1024) }), // 1 MiB name
            Good("C07"),
            manyFields,                                                                      // far more fields than expected
            JsonValue.Create(42),                                                            // not an object
            Good("C10"));
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer", 200, page.ToJsonString());

        var read = await _host.PasswordClient(_acu).ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct);

        Assert.Equal(["C01", "C07", "C10"], read.Items.Select(c => c.Key));
        Assert.Equal(10, read.RowCount);
        Assert.False(read.IsLastPage); // the refused rows still count: the next page starts after all ten
        Assert.Equal(10, read.NextSkip);
        var refused = read.Rejected.ToDictionary(r => r.Position);
        Assert.Equal(7, refused.Count);
        Assert.Equal(("C02", "MalformedRecord"), (refused[1].Key, refused[1].Code));
        Assert.Contains("CustomerName", refused[1].Reason, StringComparison.Ordinal);
        Assert.Equal((null, missingKeyId, "MissingKey"), (refused[2].Key, refused[2].Id, refused[2].Code));
        Assert.Equal(("C04", "MalformedRecord"), (refused[3].Key, refused[3].Code));
        Assert.Contains("LastModifiedDateTime", refused[3].Reason, StringComparison.Ordinal);
        Assert.Equal(("C05", "MalformedRecord"), (refused[4].Key, refused[4].Code));
        Assert.Contains("value wrapper", refused[4].Reason, StringComparison.Ordinal);
        Assert.Equal(("C06", "OversizedRecord"), (refused[5].Key, refused[5].Code));
        Assert.Contains("MaxRecordBytes", refused[5].Reason, StringComparison.Ordinal);
        Assert.Equal(("C08", "OversizedRecord"), (refused[7].Key, refused[7].Code));
        Assert.Contains("MaxRecordFields", refused[7].Reason, StringComparison.Ordinal);
        Assert.Equal(("MalformedRecord", (string?)null), (refused[8].Code, refused[8].Key));
        Assert.All(read.Rejected, r => Assert.DoesNotContain("XXXX", r.Reason, StringComparison.Ordinal));
        Assert.Contains(_host.Logs.Lines, l => l.Contains("Refused the Customer record at row 5", StringComparison.Ordinal));

        // The watermark counts what could be made out of the refused rows too.
        var cursor = AcumaticaIncrementalCursor.Initial.Advance(read);
        Assert.Equal(DateTimeOffset.Parse(Modified, System.Globalization.CultureInfo.InvariantCulture), cursor.MaxSeen);
    }

    [Fact]
    public async Task A_single_record_that_is_unreadable_raises_a_clear_non_retryable_error()
    {
        _acu.StubJson(
            "GET",
            $"{FakeAcumatica.EndpointPath}/Customer/C02",
            200,
            With("C02", "LastModifiedDateTime", new JsonObject { ["value"] = "not a date" }).ToJsonString());
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer/C03", 200, "<html>oops</html>");
        var client = _host.PasswordClient(_acu);

        var malformed = await Assert.ThrowsAsync<AcumaticaMalformedRecordException>(() => client.GetAsync(AcumaticaEntitySets.Customers, "C02", Ct));
        Assert.Equal(("C02", "MalformedRecord"), (malformed.Record.Key, malformed.Record.Code));
        Assert.False(malformed.IsRetryable);
        var notJson = await Assert.ThrowsAsync<AcumaticaMalformedRecordException>(() => client.GetAsync(AcumaticaEntitySets.Customers, "C03", Ct));
        Assert.Equal("C03", notJson.Record.Key);
    }

    [Fact]
    public async Task A_body_over_the_response_bound_is_refused_clearly_and_not_retried()
    {
        var huge = new JsonArray(With("C01", "CustomerName", new JsonObject { ["value"] = new string('X', 5 * 1024 * 1024) }));
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer", 200, huge.ToJsonString());

        var error = await Assert.ThrowsAsync<AcumaticaResponseTooLargeException>(
            () => _host.PasswordClient(_acu).ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));

        Assert.Contains("MaxResponseBytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(4 * 1024 * 1024, error.MaxBytes);
        Assert.False(error.IsRetryable);
        Assert.Single(_acu.Requests("GET", "/Customer"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \r\n ")]
    public async Task An_empty_page_body_is_an_empty_last_page(string body)
    {
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer", 200, body);

        var page = await _host.PasswordClient(_acu).ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct);

        Assert.Empty(page.Items);
        Assert.Empty(page.Rejected);
        Assert.True(page.IsLastPage);
    }

    [Theory]
    [InlineData("<html>Service Unavailable</html>")]
    [InlineData("{\"CustomerID\":{\"value\":\"C01\"}}")]
    [InlineData("[{\"CustomerID\":")]
    public async Task A_page_body_that_is_not_a_JSON_array_fails_the_page_clearly(string body)
    {
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer", 200, body);

        var error = await Assert.ThrowsAsync<AcumaticaRequestException>(
            () => _host.PasswordClient(_acu).ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));

        Assert.Contains("Customer page this client cannot read", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024, 512, 100, "MaxResponseBytes")]
    [InlineData(1024 * 1024, 100, 100, "MaxRecordBytes")]
    [InlineData(1024 * 1024, 2 * 1024 * 1024, 100, "MaxRecordBytes")]
    [InlineData(1024 * 1024, 4096, 5, "MaxRecordFields")]
    public void Bounds_out_of_range_are_refused_at_start(int maxResponse, int maxRecord, int maxFields, string named)
    {
        using var host = new TestHost(configure: o =>
        {
            o.MaxResponseBytes = maxResponse;
            o.MaxRecordBytes = maxRecord;
            o.MaxRecordFields = maxFields;
        });
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.Factory);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _host.Dispose();
        _acu.Dispose();
    }
}
