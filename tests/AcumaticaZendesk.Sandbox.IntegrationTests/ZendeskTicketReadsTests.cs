using System.Text.Json.Nodes;
using AcumaticaZendesk.Testing.VendorSpecs;

namespace AcumaticaZendesk.Sandbox.IntegrationTests;

/// <summary>The two reads that apply a ticket change: ticket show with sideloads, and comments newest first (docs/sandbox.md, fidelity table).</summary>
public sealed class ZendeskTicketReadsTests(Specs specs)
{
    [Fact]
    public async Task TicketShowSideloadsTheUsersAndTheOrganizationItNamesAndLeavesOutUnknownIncludes()
    {
        await using var sb = await TestSandbox.StartAsync();
        var organization = (long)sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Sideload Org", ["external_id"] = "S1" })["id"]!;
        sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Other Org" });
        var id = sb.Control.OpenTicket("demo", organization, "Printer on fire");
        var requester = (long)sb.Control.Tickets("demo").Single(t => (long)t!["id"]! == id)!["requester_id"]!;
        using var zd = sb.Zendesk();

        var (status, shown) = await zd.GetJsonAsync($"tickets/{id}?include=users,organizations,no_such_sideload");
        var (_, plain) = await zd.GetJsonAsync($"tickets/{id}");

        Assert.Equal(200, status);
        Assert.Empty(specs.Zendesk("TicketResponse", shown!.ToJsonString()));
        Assert.Equal(id, (long)shown["ticket"]!["id"]!);
        Assert.Equal([requester], shown["users"]!.AsArray().Select(u => (long)u!["id"]!));
        Assert.Equal("Rita Requester", shown["users"]![0]!["name"]!.ToString());
        Assert.Equal([organization], shown["organizations"]!.AsArray().Select(o => (long)o!["id"]!));
        Assert.Equal(["organizations", "ticket", "users"], shown.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["ticket"], plain!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task CommentsAreOldestFirstUnlessSortAsksForNewestFirstInCursorPagingOrSortOrderInOffsetPaging()
    {
        await using var sb = await TestSandbox.StartAsync();
        var organization = (long)sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Comments Org" })["id"]!;
        var id = sb.Control.OpenTicket("demo", organization, "First");
        sb.Control.UpdateTicket("demo", id, new JsonObject { ["comment"] = new JsonObject { ["body"] = "Second", ["public"] = true } });
        sb.Control.UpdateTicket("demo", id, new JsonObject { ["comment"] = new JsonObject { ["body"] = "Third", ["public"] = false } });
        using var zd = sb.Zendesk();

        var (_, newest) = await zd.GetJsonAsync($"tickets/{id}/comments?page[size]=2&sort=-created_at");
        var after = newest!["meta"]!["after_cursor"]!.ToString();
        var (_, rest) = await zd.GetJsonAsync($"tickets/{id}/comments?page[size]=2&sort=-created_at&page[after]={after}");
        var (_, ascending) = await zd.GetJsonAsync($"tickets/{id}/comments?page[size]=2");
        var (_, offsetDesc) = await zd.GetJsonAsync($"tickets/{id}/comments?sort_order=desc");
        var (_, offsetAsc) = await zd.GetJsonAsync($"tickets/{id}/comments");

        Assert.Equal(["Third", "Second"], Bodies(newest));
        Assert.True((bool)newest["meta"]!["has_more"]!);
        Assert.Contains("sort=-created_at", newest["links"]!["next"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(["First: please help."], Bodies(rest!));
        Assert.False((bool)rest!["meta"]!["has_more"]!);
        Assert.Equal(["First: please help.", "Second"], Bodies(ascending!));
        Assert.Equal(["Third", "Second", "First: please help."], Bodies(offsetDesc!));
        Assert.Equal(["First: please help.", "Second", "Third"], Bodies(offsetAsc!));
        Assert.All([newest, rest, ascending, offsetDesc, offsetAsc], page => Assert.Empty(specs.Zendesk("TicketCommentsResponse", page!.ToJsonString())));
    }

    private static List<string> Bodies(JsonNode page) => [.. page["comments"]!.AsArray().Select(c => c!["body"]!.ToString())];
}
