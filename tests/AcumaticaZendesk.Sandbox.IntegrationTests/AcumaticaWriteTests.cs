using System.Text.Json.Nodes;
using AcumaticaZendesk.Testing.VendorSpecs;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

public sealed class AcumaticaWriteTests(Specs specs)
{
    private static JsonObject V(object? value) => new() { ["value"] = JsonValue.Create(value) };

    [Fact]
    public async Task InvalidPutReturns422WithPerFieldErrors()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();

        var (status, body) = await acu.SendJsonAsync(HttpMethod.Put, $"{TestSandbox.Acu24}/Customer",
            new JsonObject { ["CustomerID"] = V("NEW001"), ["Status"] = V("Sleeping"), ["Email"] = V("not-an-email") });

        Assert.Equal(422, status);
        Assert.StartsWith("Inserting 'Customer' record raised at least one error", body!["error"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("'Customer Name' cannot be empty.", body["CustomerName"]!["error"]!.ToString());
        Assert.Equal("Sleeping", body["Status"]!["value"]!.ToString());
        Assert.Contains("cannot be found", body["Status"]!["error"]!.ToString(), StringComparison.Ordinal);
        Assert.NotNull(body["Email"]!["error"]);
        Assert.Empty(specs.Acumatica("Customer", body.ToJsonString()));
        Assert.Null(sb.Control.AcumaticaRecord("demo", "Customer", "NEW001"));
    }

    [Fact]
    public async Task PutUpsertsHonoursIfNoneMatchAndIfMatchAndOnlyRealChangesMoveTheTimestamp()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();
        var create = new JsonObject { ["CustomerID"] = V("NEW002"), ["CustomerName"] = V("New Two"), ["Email"] = V("a@new2.example") };

        var (status, created) = await acu.SendJsonAsync(HttpMethod.Put, $"{TestSandbox.Acu24}/Customer?$select=LastModifiedDateTime", create,
            r => r.Headers.TryAddWithoutValidation("If-None-Match", "*"));
        Assert.Equal(200, status);
        Assert.Equal("New Two", created!["CustomerName"]!["value"]!.ToString());
        Assert.Null(created["CurrencyID"]);
        Assert.Empty(specs.Acumatica("Customer", created.ToJsonString()));
        var stamp = created["LastModifiedDateTime"]!["value"]!.ToString();

        var (again, _) = await acu.SendJsonAsync(
            HttpMethod.Put,
            $"{TestSandbox.Acu24}/Customer",
            create,
            r => r.Headers.TryAddWithoutValidation("If-None-Match", "*"));
        Assert.Equal(412, again);
        var (missing, _) = await acu.SendJsonAsync(HttpMethod.Put, $"{TestSandbox.Acu24}/Customer",
            new JsonObject { ["CustomerID"] = V("NOPE"), ["CustomerName"] = V("x") }, r => r.Headers.TryAddWithoutValidation("If-Match", "*"));
        Assert.Equal(412, missing);

        sb.Clock.Advance(TimeSpan.FromSeconds(3));
        var (_, same) = await acu.SendJsonAsync(HttpMethod.Put, $"{TestSandbox.Acu24}/Customer?$select=LastModifiedDateTime", create);
        Assert.Equal(stamp, same!["LastModifiedDateTime"]!["value"]!.ToString());

        var (_, changed) = await acu.SendJsonAsync(HttpMethod.Put, $"{TestSandbox.Acu24}/Customer?$select=LastModifiedDateTime",
            new JsonObject { ["CustomerID"] = V("NEW002"), ["CustomerName"] = V("New Two Renamed") });
        Assert.NotEqual(stamp, changed!["LastModifiedDateTime"]!["value"]!.ToString());
        Assert.Equal(created["id"]!.ToString(), changed["id"]!.ToString());
    }

    [Fact]
    public async Task ActivityLinksToCustomerAndCanBeFoundAgainByFilter()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();
        var customer = sb.Control.AcumaticaRecord("demo", "Customer", "C000004")!;
        var noteId = customer["NoteID"]!["value"]!.ToString();

        var (status, activity) = await acu.SendJsonAsync(HttpMethod.Put, $"{TestSandbox.Acu24}/Activity", new JsonObject
        {
            ["Summary"] = V("Zendesk ticket #1001 solved"),
            ["Type"] = V("M"),
            ["Body"] = V("<p>Ticket text</p>"),
            ["RelatedEntityNoteID"] = V(noteId),
            ["RelatedEntityType"] = V("PX.Objects.AR.Customer"),
        });
        Assert.Equal(200, status);
        Assert.Equal(customer["CustomerName"]!["value"]!.ToString(), activity!["RelatedEntityDescription"]!["value"]!.ToString());
        Assert.Empty(specs.Acumatica("Activity", activity.ToJsonString()));

        var filter = Uri.EscapeDataString($"RelatedEntityNoteID eq guid'{noteId}' and substringof('#1001', Summary)");
        var (_, found) = await acu.GetJsonAsync($"{TestSandbox.Acu24}/Activity?$filter={filter}");
        Assert.Equal(activity["id"]!.ToString(), Assert.Single(found!.AsArray())!["id"]!.ToString());

        var (bad, error) = await acu.SendJsonAsync(HttpMethod.Put, $"{TestSandbox.Acu24}/Activity",
            new JsonObject { ["Summary"] = V("x"), ["RelatedEntityNoteID"] = V(Guid.NewGuid().ToString()) });
        Assert.Equal(422, bad);
        Assert.NotNull(error!["RelatedEntityNoteID"]!["error"]);
    }

    [Fact]
    public async Task UnwrappedFieldIsRejected()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();

        var (status, body) = await acu.SendJsonAsync(
            HttpMethod.Put,
            $"{TestSandbox.Acu24}/Customer",
            new JsonObject { ["CustomerID"] = "RAW", ["CustomerName"] = V("Raw") });

        Assert.Equal(400, status);
        Assert.Contains("CustomerID", body!["exceptionMessage"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRecordByKeyOrIdAnswers500NoEntitySatisfiesTheCondition()
    {
        await using var sb = await TestSandbox.StartAsync();
        using var acu = await sb.AcumaticaAsync();

        foreach (var (method, url) in new[]
        {
            (HttpMethod.Get, $"{TestSandbox.Acu24}/Customer/NOPE"),
            (HttpMethod.Get, $"{TestSandbox.Acu24}/Vendor/C000001"),
            (HttpMethod.Get, $"{TestSandbox.Acu24}/Activity/{Guid.NewGuid()}"),
            (HttpMethod.Delete, $"{TestSandbox.Acu24}/Activity/{Guid.NewGuid()}"),
            (HttpMethod.Delete, $"{TestSandbox.Acu24}/Customer/NOPE"),
        })
        {
            var (status, body) = await acu.SendJsonAsync(method, url);

            Assert.Equal(500, status);
            Assert.Equal("PX.Api.ContractBased.NoEntitySatisfiesTheConditionException", body!["exceptionType"]!.ToString());
            Assert.Equal("No entity satisfies the condition.", body["exceptionMessage"]!.ToString());
            Assert.Empty(specs.Acumatica("HttpError", body.ToJsonString()));
        }
    }
}
