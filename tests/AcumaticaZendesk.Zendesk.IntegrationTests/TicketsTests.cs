using WireMock.RequestBuilders;
using static AcumaticaZendesk.Zendesk.IntegrationTests.WireMockExtensions;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

public sealed class TicketsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Incremental_export_follows_cursors_drops_overlap_and_stops_at_end_of_stream()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/incremental/tickets/cursor.json").WithParam("start_time")).RespondWith(Reply(200, """
            {"tickets":[{"id":1,"generated_timestamp":100,"status":"open"},{"id":2,"generated_timestamp":101,"status":"open"}],
             "after_cursor":"c1","after_url":"x","before_cursor":null,"before_url":null,"end_of_stream":false}
            """));
        host.Server.Given(Api("GET", "/api/v2/incremental/tickets/cursor.json").WithParam("cursor", "c1")).RespondWith(Reply(200, """
            {"tickets":[{"id":2,"generated_timestamp":101,"status":"open"},{"id":2,"generated_timestamp":150,"status":"solved"},
                        {"id":3,"generated_timestamp":151,"status":"deleted"}],
             "after_cursor":"c2","end_of_stream":false}
            """));
        host.Server.Given(Api("GET", "/api/v2/incremental/tickets/cursor.json").WithParam("cursor", "c2")).RespondWith(Reply(200,
            """{"tickets":[{"id":3,"generated_timestamp":151,"status":"deleted"}],"after_cursor":"c3","end_of_stream":true}"""));
        var pages = new List<ZendeskIncrementalTicketPage>();
        var startedAt = host.Clock.GetUtcNow();

        // A start time 10 s ago is moved back to 60 s ago, as Zendesk requires.
        await host.RunAsync(
            Collect(host.Client.Tickets.ExportIncrementalAsync(ZendeskIncrementalStart.FromTime(host.Clock.GetUtcNow().AddSeconds(-10)), Ct), pages));

        Assert.Equal(3, pages.Count);
        Assert.Equal([1L, 2L], pages[0].Tickets.Select(t => t.Id));
        Assert.Equal([(2L, 150L), (3L, 151L)], pages[1].Tickets.Select(t => (t.Id, t.GeneratedTimestamp!.Value)));
        Assert.Equal(1, pages[1].DuplicatesRemoved);
        Assert.Empty(pages[2].Tickets);
        Assert.True(pages[2].EndOfStream);
        Assert.Equal("c3", pages[^1].AfterCursor);
        var first = host.Sent[0];
        var startTime = long.Parse(first.Query("start_time")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(startTime, startedAt.AddSeconds(-60).ToUnixTimeSeconds(), first.At.AddSeconds(-60).ToUnixTimeSeconds());
        Assert.Equal([null, "c1", "c2"], host.Sent.Select(s => s.Query("cursor")));
    }

    [Fact]
    public async Task Incremental_export_asks_every_page_for_the_tickets_users_and_organizations_and_pairs_them_by_id()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/incremental/tickets/cursor.json").WithParam("cursor", "c0")).RespondWith(Reply(200, """
            {"tickets":[{"id":1,"generated_timestamp":100,"requester_id":7,"organization_id":70},
                        {"id":2,"generated_timestamp":101,"requester_id":8,"organization_id":80},
                        {"id":3,"generated_timestamp":102}],
             "users":[{"id":7,"name":"Rita"},{"id":9,"name":"Agent"}],
             "organizations":[{"id":70,"name":"Initrode"}],
             "after_cursor":"c1","end_of_stream":true}
            """));
        var pages = new List<ZendeskIncrementalTicketPage>();

        await host.RunAsync(Collect(host.Client.Tickets.ExportIncrementalAsync(ZendeskIncrementalStart.FromCursor("c0"), Ct), pages));

        Assert.Equal("users,organizations", Assert.Single(host.Sent).Query("include"));
        var page = Assert.Single(pages);
        var contexts = page.Tickets.Select(page.ContextOf).ToArray();
        Assert.Equal(("Rita", "Initrode"), (contexts[0].Requester!.Name, contexts[0].Organization!.Name));
        Assert.Equal((null, null), (contexts[1].Requester, contexts[1].Organization)); // not in the sideloads: read on their own
        Assert.Equal((null, null), (contexts[2].Requester, contexts[2].Organization)); // names none
    }

    [Fact]
    public async Task Incremental_export_keeps_to_ten_requests_a_minute_on_the_fake_clock()
    {
        await using var host = new TestHost();
        for (var i = 0; i < 12; i++)
        {
            var next = i == 11 ? """ "after_cursor":"c12","end_of_stream":true """ : $$""" "after_cursor":"c{{i + 1}}","end_of_stream":false """;
            host.Server.Given(Api("GET", "/api/v2/incremental/tickets/cursor.json").WithParam("cursor", $"c{i}"))
                .RespondWith(Reply(200, $$"""{"tickets":[{"id":{{i}},"generated_timestamp":{{i}}}],{{next}}}"""));
        }

        var start = host.Clock.GetUtcNow();
        var pages = new List<ZendeskIncrementalTicketPage>();
        await host.RunAsync(Collect(host.Client.Tickets.ExportIncrementalAsync(ZendeskIncrementalStart.FromCursor("c0"), Ct), pages), TimeSpan.FromSeconds(1));

        Assert.Equal(12, pages.Count);
        // The limit: the 11th and 12th export requests are sent no earlier than a minute of the fake clock after the
        // start. (A request is recorded when it reaches the server, which on a busy machine can be some fake seconds
        // after the client's limiter let it go while the harness keeps moving the clock; the time since the start
        // is robust to that, the gaps between recorded requests are not.)
        var sent = host.Sent;
        Assert.Equal(12, sent.Count);
        Assert.All(
            sent.Skip(10),
            r => Assert.True(r.At - start >= TimeSpan.FromMinutes(1), $"a request past the 10th came {(r.At - start).TotalSeconds} s after the start"));
    }

    [Fact]
    public async Task Comments_are_read_newest_first_across_cursor_pages_and_no_page_is_asked_for_past_the_reader()
    {
        await using var host = new TestHost(o => o.PageSize = 2);
        static IRequestBuilder NewestFirst() => Api("GET", "/api/v2/tickets/7/comments").WithParam("sort", "-created_at");
        host.Server.Given(NewestFirst().WithParam("page[size]", "2").WithParam("page[after]", "p1")).RespondWith(Reply(200,
            """
            {
              "comments": [
                {
                  "id": 3,
                  "body": "c",
                  "public": false
                }
              ],
              "meta": {
                "has_more": true,
                "after_cursor": null
              },
              "links": {
                "next": "https://acme.zendesk.com/api/v2/tickets/7/comments?page%5Bafter%5D=p2&page%5Bsize%5D=2"
              }
            }
            """));
        host.Server.Given(NewestFirst().WithParam("page[size]", "2").WithParam("page[after]", "p2")).RespondWith(Reply(200,
            """{"comments":[{"id":4,"body":"d","public":true}],"meta":{"has_more":false,"after_cursor":"p3"},"links":{"next":null}}"""));
        host.Server.Given(NewestFirst().WithParam("page[size]", "2")).AtPriority(100).RespondWith(Reply(200,
            """
            {
              "comments": [
                {
                  "id": 1,
                  "body": "a",
                  "public": true
                },
                {
                  "id": 2,
                  "body": "b",
                  "public": true
                }
              ],
              "meta": {
                "has_more": true,
                "after_cursor": "p1"
              },
              "links": {
                "next": "x"
              }
            }
            """));

        var comments = new List<ZendeskTicketComment>();
        await foreach (var c in host.Client.Tickets.ListCommentsNewestFirstAsync(7, Ct))
        {
            comments.Add(c);
        }

        Assert.Equal([1L, 2L, 3L, 4L], comments.Select(c => c.Id));
        Assert.False(comments[2].Public);
        Assert.Equal([null, "p1", "p2"], host.Sent.Select(s => s.Query("page[after]")));
        Assert.All(host.Sent, s => Assert.Equal("-created_at", s.Query("sort")));
        Assert.DoesNotContain(host.Sent, s => s.Query("page") is not null || s.Query("per_page") is not null);

        // A reader that stops at the first comment: the pages after it are never asked for.
        await foreach (var first in host.Client.Tickets.ListCommentsNewestFirstAsync(7, Ct))
        {
            Assert.Equal(1L, first.Id);
            break;
        }

        Assert.Equal(4, host.Sent.Count);
    }

    [Fact]
    public async Task Ticket_show_sideloads_users_and_organizations_and_picks_the_requester_and_organization_by_id()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/tickets/35436")).RespondWith(Reply(200,
            """
            {
              "ticket": {
                "id": 35436,
                "subject": "My printer is on fire!",
                "status": "open",
                "organization_id": 509974,
                "requester_id": 20978392,
                "submitter_id": 76872,
                "assignee_id": 235323,
                "updated_at": "2011-05-05T10:38:52Z"
              },
              "users": [
                { "id": 235323, "name": "Agent Smith", "email": "redacted@example.com" },
                { "id": 20978392, "name": "Rita Requester", "email": "rita@example.com" },
                { "id": 76872, "name": "Sam Submitter" }
              ],
              "organizations": [
                { "id": 1, "name": "Another Org" },
                { "id": 509974, "name": "Acme", "external_id": "C000001" }
              ]
            }
            """));
        host.Server.Given(Api("GET", "/api/v2/tickets/1")).RespondWith(Reply(404, """{"error":"RecordNotFound","description":"Not found"}"""));

        var context = await host.Client.Tickets.GetWithContextAsync(35436, Ct);
        var missing = await host.Client.Tickets.GetWithContextAsync(1, Ct);

        Assert.Equal("My printer is on fire!", context!.Ticket.Subject);
        Assert.Equal("Rita Requester", context.Requester!.Name);
        Assert.Equal("C000001", context.Organization!.ExternalId);
        Assert.Null(missing);
        Assert.All(host.Sent, s => Assert.Equal("users,organizations", s.Query("include")));
    }

    [Fact]
    public async Task A_sideload_that_lacks_the_requester_or_organization_leaves_it_null()
    {
        await using var host = new TestHost();
        host.Server.Given(Api("GET", "/api/v2/tickets/8")).RespondWith(Reply(200,
            """{"ticket":{"id":8,"organization_id":509974,"requester_id":20978392},"users":[{"id":76872,"name":"Sam Submitter"}],"organizations":[]}"""));
        host.Server.Given(Api("GET", "/api/v2/tickets/9")).RespondWith(Reply(200, """{"ticket":{"id":9,"organization_id":509974,"requester_id":20978392}}"""));

        var lacking = await host.Client.Tickets.GetWithContextAsync(8, Ct);
        var without = await host.Client.Tickets.GetWithContextAsync(9, Ct);

        Assert.Equal(8, lacking!.Ticket.Id);
        Assert.Null(lacking.Requester);
        Assert.Null(lacking.Organization);
        Assert.Equal(9, without!.Ticket.Id);
        Assert.Null(without.Requester);
        Assert.Null(without.Organization);
        Assert.Equal(2, host.Sent.Count);
    }

    private static async Task<bool> Collect<T>(IAsyncEnumerable<T> source, List<T> into)
    {
        await foreach (var item in source)
        {
            into.Add(item);
        }

        return true;
    }
}
