using System.Text.Json.Nodes;
using AcumaticaZendesk.Sandbox;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.Chaos.IntegrationTests;

/// <summary>
/// <see cref="TicketReconciliation"/> against seeded tickets and activities: one activity per linked ticket on its
/// account showing its latest state is clean; a missing, stale, misplaced, doubled or stray activity is reported.
/// </summary>
public sealed class TicketReconciliationTests : IAsyncLifetime
{
    private const string Name = "tkt";
    private SandboxHost sandbox = null!;
    private long linkedTicket;
    private long unlinkedTicket;
    private string accountNoteId = "";
    private string otherAccountNoteId = "";

    private SandboxControl Control => sandbox.Control;

    public async ValueTask InitializeAsync()
    {
        sandbox = await SandboxHost.StartAsync(new SandboxOptions(), TestContext.Current.CancellationToken);
        Control.Seed(
            new SeedSpec { Instance = Name, Subdomain = Name, Customers = 2, Vendors = 0, CustomerVendors = 0, ContactsPerAccount = 0, Employees = 0 });
        var customers = Control.AcumaticaRecords(Name, "Customer").OfType<JsonObject>().ToList();
        accountNoteId = customers[0]["id"]!.ToString();
        otherAccountNoteId = customers[1]["id"]!.ToString();
        var linked = (long)Control.CreateOrganization(
            Name,
            new JsonObject { ["name"] = "Linked", ["external_id"] = ZendeskMirror.Value(customers[0], "CustomerID") })["id"]!;
        var unlinked = (long)Control.CreateOrganization(Name, new JsonObject { ["name"] = "Walk-in" })["id"]!;
        linkedTicket = Ticket(linked, "Printer jams");
        unlinkedTicket = Ticket(unlinked, "Coffee machine");
    }

    public async ValueTask DisposeAsync() => await sandbox.DisposeAsync();

    [Fact]
    public void One_activity_showing_the_ticket_on_its_account_reconciles_clean()
    {
        Activity(linkedTicket, "Printer jams", accountNoteId);

        var result = TicketReconciliation.Of(Control, Name, Name);

        Assert.Empty(result.Problems);
        Assert.Equal(1, result.Expected);
        Assert.True(result.Converged);
    }

    [Fact]
    public void A_linked_ticket_without_an_activity_is_lost()
    {
        var result = TicketReconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Lost);
        Assert.Contains($"ticket {linkedTicket}: no activity", result.Problems);
    }

    [Fact]
    public void An_activity_showing_an_old_subject_is_lost()
    {
        Activity(linkedTicket, "Printer jams (old)", accountNoteId);

        var result = TicketReconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Lost);
        Assert.Contains(result.Problems, p => p.StartsWith($"ticket {linkedTicket}: activity shows", StringComparison.Ordinal));
    }

    [Fact]
    public void An_activity_on_another_account_is_reported()
    {
        Activity(linkedTicket, "Printer jams", otherAccountNoteId);

        var result = TicketReconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Lost);
        Assert.Contains($"ticket {linkedTicket}: activity is related to {otherAccountNoteId}, not the account {accountNoteId}", result.Problems);
    }

    [Fact]
    public void A_second_activity_for_one_ticket_is_a_duplicate()
    {
        Activity(linkedTicket, "Printer jams", accountNoteId);
        Activity(linkedTicket, "Printer jams", accountNoteId);

        var result = TicketReconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Duplicated);
        Assert.Contains($"ticket {linkedTicket}: 2 activities", result.Problems);
    }

    [Fact]
    public void An_activity_for_a_ticket_without_an_acumatica_link_is_a_stray()
    {
        Activity(linkedTicket, "Printer jams", accountNoteId);
        Activity(unlinkedTicket, "Coffee machine", accountNoteId);

        var result = TicketReconciliation.Of(Control, Name, Name);

        Assert.Equal(1, result.Strays);
        Assert.Contains($"ticket {unlinkedTicket}: 1 activities, but the ticket is not linked to an account", result.Problems);
        Assert.False(result.Converged);
    }

    private long Ticket(long organization, string subject)
    {
        var requester = (long)Control.CreateUser(
            Name,
            new JsonObject { ["name"] = $"Requester {subject}", ["email"] = $"r{organization}@{Name}.example", ["organization_id"] = organization })["id"]!;
        return (long)Control.CreateTicket(Name, new JsonObject
        {
            ["subject"] = subject,
            ["comment"] = new JsonObject { ["body"] = "It jams on every page.", ["public"] = true },
            ["requester_id"] = requester,
            ["organization_id"] = organization,
        })["id"]!;
    }

    private void Activity(long ticket, string subject, string relatedNoteId) => Control.AddActivity(Name, new JsonObject
    {
        ["Summary"] = $"[zendesk-ticket:{Name}:{ticket}] {subject} [new]",
        ["Body"] = "<p>Status: new</p><p>It jams on every page.</p>",
        ["RelatedEntityNoteID"] = relatedNoteId,
        ["Type"] = "M",
    });
}
