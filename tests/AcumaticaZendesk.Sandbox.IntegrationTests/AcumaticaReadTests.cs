using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Testing.VendorSpecs;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

public sealed class AcumaticaReadTests(Specs specs)
{
    [Fact]
    public async Task EntityListShowsInstalledVersionsAndOtherVersionsAre404()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();

        var (status, list) = await sb.Http.GetJsonAsync("acumatica/demo/entity");
        Assert.Equal(200, status);
        var versions = list!["endpoints"]!.AsArray().Select(e => e!["version"]!.ToString()).ToList();
        Assert.Equal(["23.200.001", "24.200.001"], versions);
        Assert.All(list["endpoints"]!.AsArray(), e => Assert.Equal("Default", e!["name"]!.ToString()));

        Assert.Equal(200, (await acu.GetJsonAsync("entity/Default/23.200.001/Customer?$top=1")).Status);
        Assert.Equal(404, (await acu.GetJsonAsync("entity/Default/22.200.001/Customer?$top=1")).Status);
        Assert.Equal(404, (await acu.GetJsonAsync("entity/Default/25.200.001/Customer?$top=1")).Status);

        sb.Control.RemoveEndpointVersion("demo", "23.200.001");
        Assert.Equal(404, (await acu.GetJsonAsync("entity/Default/23.200.001/Customer?$top=1")).Status);
        var (_, after) = await sb.Http.GetJsonAsync("acumatica/demo/entity");
        Assert.Single(after!["endpoints"]!.AsArray());
    }

    [Fact]
    public async Task FieldsAreValueWrappedAndEmptyFieldsAreEmptyObjects()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();

        var (status, body) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer/C000001?$expand=MainContact,MainContact/Address");

        Assert.Equal(200, status);
        var c = body!.AsObject();
        Assert.Equal("C000001", c["CustomerID"]!["value"]!.ToString());
        Assert.Empty(c["ParentRecord"]!.AsObject());
        Assert.True(Guid.TryParse(c["id"]!.ToString(), out var id));
        Assert.Equal(id.ToString(), c["NoteID"]!["value"]!.ToString());
        Assert.Equal(1, (int)c["rowNumber"]!);
        Assert.NotNull(c["note"]!["value"]);
        Assert.Equal(c["Email"]!["value"]!.ToString(), c["MainContact"]!["Email"]!["value"]!.ToString());
        Assert.NotNull(c["MainContact"]!["Address"]!["City"]!["value"]);
        Assert.Empty(specs.Acumatica("Customer", body.ToJsonString()));
    }

    [Fact]
    public async Task LinkedEntitiesOnlyWithExpandAndSelectLimitsFields()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();

        var (_, plain) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=3");
        Assert.All(plain!.AsArray(), c => Assert.Null(c!["MainContact"]));

        var (_, selected) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=3&$select=CustomerID,MainContact/Email&$expand=MainContact");
        foreach (var c in selected!.AsArray().Select(c => c!.AsObject()))
        {
            Assert.NotNull(c["CustomerID"]);
            Assert.Null(c["CustomerName"]);
            Assert.NotNull(c["MainContact"]!["Email"]);
            Assert.Null(c["MainContact"]!["Phone1"]);
        }

        Assert.Empty(specs.AcumaticaArray("Customer", selected.ToJsonString()));
    }

    [Fact]
    public async Task LastModifiedDateTimeTiesAndMovesOnChange()
    {
        var spec = new SeedSpec { Customers = 25, Vendors = 0, CustomerVendors = 0, ContactsPerAccount = 0, Employees = 0, TieGroupSize = 10 };
        await using var sb = await TestSandbox.StartAsync(spec);
        using var acu = await sb.AcumaticaAsync();
        var first = Uri.EscapeDataString("datetimeoffset'2026-01-05T08:00:00.000+00:00'");

        var (_, tied) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$filter=LastModifiedDateTime eq {first}&$select=CustomerID,LastModifiedDateTime");
        Assert.Equal(10, tied!.AsArray().Count);
        Assert.Single(tied.AsArray().Select(c => c!["LastModifiedDateTime"]!["value"]!.ToString()).Distinct());

        var (_, notAfter) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$filter=LastModifiedDateTime gt {first}");
        Assert.Equal(15, notAfter!.AsArray().Count);

        sb.Clock.Advance(TimeSpan.FromMinutes(5));
        var moved = sb.Control.RenameAccount("demo", "C000003", "Renamed Ltd");
        var since = Uri.EscapeDataString($"datetimeoffset'{moved:yyyy-MM-ddTHH:mm:ss.fff}+00:00'");
        var (_, changed) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$filter=LastModifiedDateTime ge {since}");
        var only = Assert.Single(changed!.AsArray());
        Assert.Equal("Renamed Ltd", only!["CustomerName"]!["value"]!.ToString());

        sb.Clock.Advance(TimeSpan.FromSeconds(1));
        var tie = sb.Control.TouchRecords("demo", "Customer", ["C000010", "C000011", "C000012"], "Status", "On Hold");
        var tieLiteral = Uri.EscapeDataString($"datetimeoffset'{tie:yyyy-MM-ddTHH:mm:ss.fff}+00:00'");
        var (_, mass) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$filter=LastModifiedDateTime ge {tieLiteral}");
        Assert.Equal(3, mass!.AsArray().Count);
    }

    [Fact]
    public async Task TopSkipPagingIsNotStableAcrossModifications()
    {
        var spec = new SeedSpec { Customers = 10, Vendors = 0, CustomerVendors = 0, ContactsPerAccount = 0, Employees = 0 };
        await using var sb = await TestSandbox.StartAsync(spec);
        using var acu = await sb.AcumaticaAsync();

        var (_, page1) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=5&$skip=0&$select=CustomerID");
        var seen = page1!.AsArray().Select(c => c!["CustomerID"]!["value"]!.ToString()).ToList();
        sb.Clock.Advance(TimeSpan.FromSeconds(1));
        sb.Control.ChangeEmail("demo", "Customer", seen[0], "moved@example.com");
        var (_, page2) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?$top=5&$skip=5&$select=CustomerID");
        seen.AddRange(page2!.AsArray().Select(c => c!["CustomerID"]!["value"]!.ToString()));

        Assert.Equal(10, seen.Count);
        Assert.Equal(9, seen.Distinct().Count());
        Assert.Equal(seen[0], seen[^1]);
    }

    [Fact]
    public async Task FilterOnLinkedFieldsAndFunctionsAndBadLiteralIs400()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();
        var email = sb.Control.AcumaticaRecord("demo", "Customer", "C000002")!["MainContact"]!["Email"]!["value"]!.ToString();

        var (_, byEmail) = await acu.GetJsonAsync(
            $"{TestSandbox.Acu24}/Customer?$filter={Uri.EscapeDataString($"MainContact/Email eq '{email.ToUpperInvariant()}'")}");
        Assert.Equal("C000002", Assert.Single(byEmail!.AsArray())!["CustomerID"]!["value"]!.ToString());

        var (_, contacts) = await acu.GetJsonAsync(
            $"{TestSandbox.Acu24}/Contact?$filter={Uri.EscapeDataString("BusinessAccount eq 'C000002' and Active eq true")}");
        Assert.Single(contacts!.AsArray());
        Assert.Empty(specs.AcumaticaArray("Contact", contacts.ToJsonString()));

        var (status, error) = await acu.GetJsonAsync(
            $"{TestSandbox.Acu24}/Customer?$filter=LastModifiedDateTime gt datetimeoffset'2026-01-05T08:00:00.000+00:00'");
        Assert.Equal(400, status);
        Assert.Contains("%2B", error!["exceptionMessage"]!.ToString(), StringComparison.Ordinal);
        Assert.Empty(specs.Acumatica("HttpError", error.ToJsonString()));

        foreach (var query in (string[])["$top=ten", "$top=-1", "$skip=1.5", "$top="])
        {
            var (bad, body) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer?{query}");
            Assert.True(bad == 400, $"{query} answered {bad}");
            Assert.Empty(specs.Acumatica("HttpError", body!.ToJsonString()));
        }
    }

    [Fact]
    public async Task EmployeesAndVendorsAndCustomerVendorAccountsShareKeys()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();

        var (_, employees) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Employee?$expand=ContactInfo");
        Assert.Equal(2, employees!.AsArray().Count);
        Assert.All(employees.AsArray(), e => Assert.Contains("@", e!["ContactInfo"]!["Email"]!["value"]!.ToString(), StringComparison.Ordinal));
        Assert.Empty(specs.AcumaticaArray("Employee", employees.ToJsonString()));

        var (_, customer) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Customer/CV00001");
        var (_, vendor) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Vendor/CV00001");
        Assert.Equal(customer!["id"]!.ToString(), vendor!["id"]!.ToString());
        Assert.Empty(specs.Acumatica("Vendor", vendor.ToJsonString()));
    }
}
