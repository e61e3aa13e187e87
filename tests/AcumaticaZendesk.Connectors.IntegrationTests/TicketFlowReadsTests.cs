using System.Text;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.SyncWorker.Tickets;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

/// <summary>
/// The Zendesk reads one ticket change costs (issue 20): the ticket with its requester and organization sideloaded, and
/// the comments newest first up to the first public one, counted in the sandbox's own request log.
/// </summary>
public sealed class TicketFlowReadsTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_change_costs_two_zendesk_reads_the_ticket_with_its_sideloads_and_one_page_of_comments_newest_first()
    {
        await using var sandbox = await StartSandboxAsync();
        using var host = Host();
        await SandboxDemo.SaveTenantAsync(host, sandbox, _ct);
        var control = sandbox.Control;
        var ticket = control.OpenTicket("demo", LinkedOrganization(control, "Reads Inc"), "Printer on fire");
        var flow = host.Get<TicketContextService>();
        Assert.Equal(TicketContextOutcome.Created, (await flow.ApplyAsync("demo", ticket, "webhook-1", _ct)).Outcome);
        control.UpdateTicket("demo", ticket, Comment("Replaced the fuser.", isPublic: true));
        control.Requests.Clear();

        var result = await flow.ApplyAsync("demo", ticket, "webhook-2", _ct);

        Assert.Equal(TicketContextOutcome.Updated, result.Outcome);
        Assert.Equal([$"/tickets/{ticket}", $"/tickets/{ticket}/comments"], ZendeskReads(control));
        var body = ActivityBody(control, ticket);
        Assert.Contains("Replaced the fuser.", body, StringComparison.Ordinal);
        Assert.Contains("Rita Requester", body, StringComparison.Ordinal);
        Assert.Contains("Reads Inc", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Comments_are_paged_on_only_while_a_page_holds_private_notes_alone()
    {
        await using var sandbox = await StartSandboxAsync();
        using var host = Host(services => services.PostConfigure<ZendeskClientOptions>(o => o.PageSize = 1));
        await SandboxDemo.SaveTenantAsync(host, sandbox, _ct);
        var control = sandbox.Control;
        var ticket = control.OpenTicket("demo", LinkedOrganization(control, "Notes Inc"), "Invoice question");
        control.UpdateTicket("demo", ticket, Comment("The invoice is attached.", isPublic: true));
        control.UpdateTicket("demo", ticket, Comment("Internal: check the credit limit.", isPublic: false));
        control.Requests.Clear();

        var result = await host.Get<TicketContextService>().ApplyAsync("demo", ticket, "webhook-1", _ct);

        // Newest first, one comment a page: the private note, then the public reply; the opening comment is never read.
        Assert.Equal(TicketContextOutcome.Created, result.Outcome);
        Assert.Equal([$"/tickets/{ticket}", $"/tickets/{ticket}/comments", $"/tickets/{ticket}/comments"], ZendeskReads(control));
        var body = ActivityBody(control, ticket);
        Assert.Contains("The invoice is attached.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("credit limit", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_organization_the_sideload_lacks_is_read_with_the_organization_show()
    {
        await using var sandbox = await StartSandboxAsync();
        using var host = Host(services => services.PostConfigureAll<HttpClientFactoryOptions>(
            o => o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new DropSideload()))));
        await SandboxDemo.SaveTenantAsync(host, sandbox, _ct);
        var control = sandbox.Control;
        var organization = LinkedOrganization(control, "Hidden Org Inc");
        var ticket = control.OpenTicket("demo", organization, "Cannot log in");
        control.Requests.Clear();

        var result = await host.Get<TicketContextService>().ApplyAsync("demo", ticket, "webhook-1", _ct);

        Assert.Equal(TicketContextOutcome.Created, result.Outcome);
        Assert.Equal([$"/tickets/{ticket}", $"/organizations/{organization}", $"/tickets/{ticket}/comments"], ZendeskReads(control));
        Assert.Contains("Hidden Org Inc", ActivityBody(control, ticket), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ticket_the_export_pass_catches_needs_no_organization_or_user_show()
    {
        await using var sandbox = await StartSandboxAsync();
        using var host = Host();
        await SandboxDemo.SaveTenantAsync(host, sandbox, _ct);
        var control = sandbox.Control;
        var ticket = control.OpenTicket("demo", LinkedOrganization(control, "Export Inc"), "Its webhook never came");
        control.Requests.Clear();

        var export = await host.Get<TicketExportPass>().RunAsync("demo", "run-1", _ct);

        // The export page brings every ticket's requester and organization (include=users,organizations): per ticket only
        // its comments are read on their own.
        Assert.True(export.Applied >= 1, $"applied {export.Applied}");
        var reads = ZendeskReads(control);
        Assert.Contains(reads, r => r.StartsWith("/incremental/tickets/cursor", StringComparison.Ordinal));
        Assert.DoesNotContain(reads, r => System.Text.RegularExpressions.Regex.IsMatch(r, @"^/(organizations|users)/\d+"));
        var body = ActivityBody(control, ticket);
        Assert.Contains("Rita Requester", body, StringComparison.Ordinal);
        Assert.Contains("Export Inc", body, StringComparison.Ordinal);
    }

    private Task<SandboxHost> StartSandboxAsync() =>
        SandboxHost.StartAsync(new SandboxOptions { Urls = "http://127.0.0.1:0", Seed = "demo" }, _ct);

    private static ConnectorHost Host(Action<IServiceCollection>? configure = null) =>
        SandboxDemo.Host(services =>
        {
            configure?.Invoke(services);
            services.AddTicketFlow();
            services.RemoveAll<EarlySyncTrigger>(); // the worker's scheduling, not needed to apply tickets
        });

    private static JsonObject Comment(string body, bool isPublic) =>
        new() { ["comment"] = new JsonObject { ["body"] = body, ["public"] = isPublic } };

    /// <summary>An organization linked to the demo's first customer.</summary>
    private static long LinkedOrganization(SandboxControl control, string name)
    {
        var code = control.AcumaticaRecords("demo", "Customer")[0]!["CustomerID"]!["value"]!.ToString();
        return (long)control.CreateOrganization("demo", new JsonObject { ["name"] = name, ["external_id"] = code })["id"]!;
    }

    /// <summary>The Zendesk API paths the sandbox answered since the log was cleared, oldest first, after <c>/api/v2</c>.</summary>
    private static List<string> ZendeskReads(SandboxControl control) =>
        [.. control.Requests.Recent(10_000).Reverse()
            .Where(r => r.System == "zendesk" && r.Path.Contains("/api/v2/", StringComparison.Ordinal))
            .Select(r => r.Path[(r.Path.IndexOf("/api/v2", StringComparison.Ordinal) + "/api/v2".Length)..])];

    private static string ActivityBody(SandboxControl control, long ticket) =>
        control.AcumaticaRecords("demo", "Activity").OfType<JsonObject>()
            .Single(a => a["Summary"]!["value"]!.ToString().StartsWith($"[zendesk-ticket:demo:{ticket}]", StringComparison.Ordinal))["Body"]!["value"]!
            .ToString();

    /// <summary>Takes the <c>organizations</c> sideload out of ticket show answers, as an answer that lacks the organization would be.</summary>
    private sealed class DropSideload : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Get || !request.RequestUri!.Query.Contains("include=", StringComparison.Ordinal) || !response.IsSuccessStatusCode)
            {
                return response;
            }

            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
            body.Remove("organizations");
            response.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            return response;
        }
    }
}
