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
    public async Task TheIncrementalTicketExportSideloadsThePageTicketsUsersAndOrganizationsOnceEach()
    {
        await using var sb = await TestSandbox.StartAsync();
        var first = (long)sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Export One", ["external_id"] = "E1" })["id"]!;
        var second = (long)sb.Control.CreateOrganization("demo", new JsonObject { ["name"] = "Export Two", ["external_id"] = "E2" })["id"]!;
        long[] tickets = [sb.Control.OpenTicket("demo", first, "A"), sb.Control.OpenTicket("demo", first, "B"), sb.Control.OpenTicket("demo", second, "C")];
        using var zd = sb.Zendesk();
        var start = sb.Clock.GetUtcNow().ToUnixTimeSeconds();
        sb.Clock.Advance(TimeSpan.FromMinutes(2)); // an export starts at least 60 s back

        var (status, page) = await zd.GetJsonAsync($"incremental/tickets/cursor.json?start_time={start}&include=users,organizations");
        var (_, plain) = await zd.GetJsonAsync($"incremental/tickets/cursor.json?start_time={start}");

        Assert.Equal(200, status);
        Assert.Empty(specs.Zendesk("CursorBasedExportIncrementalTicketsResponse", page!.ToJsonString()));
        var exported = page["tickets"]!.AsArray().Where(t => tickets.Contains((long)t!["id"]!)).ToArray();
        Assert.Equal(3, exported.Length);
        var organizations = page["organizations"]!.AsArray().Select(o => (long)o!["id"]!).ToArray();
        Assert.Equal(organizations.Distinct().Count(), organizations.Length);
        Assert.Contains(first, organizations);
        Assert.Contains(second, organizations);
        var users = page["users"]!.AsArray().Select(u => (long)u!["id"]!).ToArray();
        Assert.Equal(users.Distinct().Count(), users.Length);
        Assert.All(exported, t => Assert.Contains((long)t!["requester_id"]!, users));
        Assert.False(plain!.AsObject().ContainsKey("users") || plain.AsObject().ContainsKey("organizations"));
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
