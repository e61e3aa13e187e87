using AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Acumatica.Model;
using AcumaticaZendesk.Acumatica.Reading;

namespace AcumaticaZendesk.Acumatica.IntegrationTests;

public sealed class PagingTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeAcumatica _acu = new();
    private readonly TestHost _host = new();
    private readonly CustomerDirectory _customers;
    private readonly IAcumaticaClient _client;

    public PagingTests()
    {
        _ = new TokenEndpoint(_acu);
        _customers = new CustomerDirectory(_acu);
        _client = _host.PasswordClient(_acu);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stream_reads_every_page_until_a_short_one_with_the_exact_filter_literal()
    {
        // C03, C04 and C05 share one timestamp and straddle the edge between pages 1 and 2.
        Seed(("C01", 1), ("C02", 2), ("C03", 3), ("C04", 3), ("C05", 3), ("C06", 2), ("C07", 4));

        var read = await ToListAsync(
            _client.ReadChangedAsync(AcumaticaEntitySets.Customers, T0.AddMinutes(1).ToOffset(TimeSpan.FromHours(2)), pageSize: 3, Ct));

        Assert.Equal(["C01", "C02", "C03", "C04", "C05", "C06", "C07"], read.Select(c => c.Key));
        Assert.Equal(3, _customers.RawQueries.Count);
        var first = _customers.RawQueries.First();
        Assert.Contains("$filter=LastModifiedDateTime%20ge%20datetimeoffset%272026-11-01T08%3A01%3A00.000%2B00%3A00%27", first, StringComparison.Ordinal);
        Assert.Contains(
            "$select=CustomerID,CustomerName,CustomerClass,Status,Email,ParentRecord,CreatedDateTime,LastModifiedDateTime,NoteID,MainContact/DisplayName",
            first,
            StringComparison.Ordinal);
        Assert.Contains("$expand=MainContact", first, StringComparison.Ordinal);
        Assert.Equal(["0", "3", "6"], _customers.RawQueries.Select(q => q.Split("$skip=")[1]));
        Assert.Equal("c07@example.com", read[^1].MainContact!.Email!.Value);
    }

    [Fact]
    public async Task Stream_holds_one_page_and_reads_lazily()
    {
        Seed(("C01", 1), ("C02", 2), ("C03", 3), ("C04", 3));

        await foreach (var customer in _client.ReadChangedAsync(AcumaticaEntitySets.Customers, null, pageSize: 2, Ct))
        {
            Assert.Equal("C01", customer.Key);
            break;
        }

        Assert.Single(_customers.RawQueries);
        Assert.DoesNotContain("$filter", _customers.RawQueries.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_level_passes_with_inclusive_overlap_lose_nothing_and_dedupe_page_edge_ties()
    {
        Seed(("C02", 2), ("C03", 3), ("C04", 3), ("C05", 3), ("C06", 2), ("C07", 4));
        var seen = new HashSet<(string?, DateTimeOffset?)>();
        var delivered = new List<string>();
        var cursor = AcumaticaIncrementalCursor.From(T0.AddMinutes(2));

        // Pass 1, one page per "workflow activity". Between pages a record with a lower key changes,
        // which shifts the server's key order: page 2 starts with a row page 1 already returned.
        var page1 = await _client.ReadPageAsync(AcumaticaEntitySets.Customers, cursor.Since, cursor.Skip, 3, Ct);
        cursor = cursor.Advance(page1);
        Deliver(page1);
        _customers.Set("C01", T0.AddMinutes(9));
        while (!cursor.AtPassStart)
        {
            var page = await _client.ReadPageAsync(AcumaticaEntitySets.Customers, cursor.Since, cursor.Skip, 3, Ct);
            cursor = cursor.Advance(page);
            Deliver(page);
        }

        Assert.Equal(["C02", "C03", "C04", "C05", "C06", "C07"], delivered);
        Assert.Equal(T0.AddMinutes(4), cursor.Since); // highest LastModifiedDateTime of the pass, not the last row's

        // Pass 2 starts at the watermark inclusive: C07 (the tie at the watermark) comes again and is dropped,
        // C08 (same millisecond as the watermark, written after pass 1 read it) and the changed C01 are new.
        _customers.Set("C08", T0.AddMinutes(4));
        _customers.Set("C03", T0.AddMinutes(10));
        delivered.Clear();
        do
        {
            var page = await _client.ReadPageAsync(AcumaticaEntitySets.Customers, cursor.Since, cursor.Skip, 3, Ct);
            cursor = cursor.Advance(page);
            Deliver(page);
        }
        while (!cursor.AtPassStart);

        Assert.Equal(["C01", "C03", "C08"], delivered);
        Assert.Equal(T0.AddMinutes(10), cursor.Since);

        void Deliver(AcumaticaPage<AcumaticaCustomer> page)
        {
            foreach (var c in page.Items)
            {
                if (seen.Add((c.Key, c.LastModified)))
                    delivered.Add(c.Key!);
            }
        }
    }

    [Fact]
    public async Task Get_by_key_reads_only_the_mapped_fields_of_an_employee()
    {
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Employee/EP00000001", 200,
            """
            {
              "id": "6d7e3a4c-5b2f-ef11-8c65-0e1f2a3b4c5d",
              "EmployeeID": {
                "value": "EP00000001"
              },
              "EmployeeName": {
                "value": "Maxwell Baker"
              },
              "Status": {
                "value": "Active"
              },
              "ContactInfo": {
                "Email": {
                  "value": "max@example.com"
                },
                "Surprise": {
                  "value": 1
                }
              },
              "LastModifiedDateTime": {
                "value": "2026-11-01T08:00:00+00:00"
              },
              "NewIn25R2": {
                "value": true
              }
            }
            """);

        var employee = await _client.GetAsync(AcumaticaEntitySets.Employees, "EP00000001", Ct);

        Assert.Equal(("EP00000001", "max@example.com", T0), (employee!.Key, employee.ContactInfo!.Email!.Value, employee.LastModified));
        var request = Assert.Single(_acu.Requests("GET", "/Employee/EP00000001")).RequestMessage!;
        Assert.Equal(
            "?$select=EmployeeID,EmployeeName,Status,LastModifiedDateTime,ContactInfo/DisplayName,ContactInfo/Email&$expand=ContactInfo",
            request.RawQuery);
    }

    [Fact]
    public void Cursor_moves_the_watermark_only_at_the_end_of_a_pass_and_applies_the_overlap()
    {
        var items = new[] { Customer("A", 5), Customer("B", 7) };
        var full = new AcumaticaPage<AcumaticaCustomer>(items, T0, 0, 2);
        var last = new AcumaticaPage<AcumaticaCustomer>([Customer("C", 6)], T0, 2, 2);

        var mid = AcumaticaIncrementalCursor.From(T0).Advance(full);
        var end = mid.Advance(last, overlap: TimeSpan.FromSeconds(30));

        Assert.Equal((T0, 2, T0.AddMinutes(7)), (mid.Since, mid.Skip, mid.MaxSeen));
        Assert.Equal((T0.AddMinutes(7).AddSeconds(-30), 0), (end.Since, end.Skip));
    }

    private static AcumaticaCustomer Customer(string key, int minute) =>
        new() { CustomerID = key, LastModifiedDateTime = new Json.AcumaticaValue<DateTimeOffset?>(T0.AddMinutes(minute)) };

    private void Seed(params (string Key, int Minute)[] rows)
    {
        foreach (var (key, minute) in rows)
            _customers.Set(key, T0.AddMinutes(minute));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
            list.Add(item);
        return list;
    }

    public void Dispose()
    {
        _host.Dispose();
        _acu.Dispose();
    }
}
