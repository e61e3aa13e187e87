using System.Text.Json;
using AcumaticaZendesk.Acumatica.Activities;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;

namespace AcumaticaZendesk.Acumatica.IntegrationTests;

public sealed class ActivityTests : IDisposable
{
    private static readonly Guid CustomerNoteId = Guid.Parse("0d7e3a4c-5b2f-ef11-8c65-0e1f2a3b4c5d");
    private readonly FakeAcumatica _acu = new();
    private readonly TestHost _host = new();
    private readonly ActivityStore _store;
    private readonly IAcumaticaClient _client;

    public ActivityTests()
    {
        _ = new TokenEndpoint(_acu);
        _store = new ActivityStore(_acu);
        _client = _host.PasswordClient(_acu);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static AcumaticaActivityDraft Draft(string title = "Printer on fire", string body = "<p>Ticket text</p>") =>
        new(AcumaticaActivityMarker.ForZendeskTicket("Acme", 35436), title, body, CustomerNoteId);

    [Fact]
    public async Task Create_then_find_then_update_keeps_one_activity()
    {
        var first = await _client.UpsertActivityAsync(Draft(), Ct);
        var found = await _client.FindActivitiesByMarkerAsync(Draft().Marker, Ct);
        var second = await _client.UpsertActivityAsync(Draft("Printer on fire (solved)", "<p>Solved</p>"), Ct);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Activity.Id, Assert.Single(found).Id);
        Assert.Equal(first.Activity.Id, second.Activity.Id);
        var row = Assert.Single(_store.Rows);
        Assert.Equal("[zendesk-ticket:acme:35436] Printer on fire (solved)", row["Summary"]!["value"]!.GetValue<string>());
        Assert.Equal("<p>Solved</p>", row["Body"]!["value"]!.GetValue<string>());
        Assert.Equal("Contoso Pharmacy", second.Activity.RelatedEntityDescription!.Value);

        var bodies = _store.PutBodies.Select(b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.False(bodies[0].TryGetProperty("id", out _));
        Assert.Equal(first.Activity.Id.ToString(), bodies[1].GetProperty("id").GetString());
        Assert.All(bodies, b =>
        {
            Assert.Equal(CustomerNoteId.ToString(), b.GetProperty("RelatedEntityNoteID").GetProperty("value").GetString());
            Assert.Equal("PX.Objects.AR.Customer", b.GetProperty("RelatedEntityType").GetProperty("value").GetString());
            Assert.Equal("M", b.GetProperty("Type").GetProperty("value").GetString());
            Assert.False(b.TryGetProperty("ActivityDetails", out _)); // 24.200.001 names the text field Body
        });
    }

    [Fact]
    public async Task A_create_with_an_unknown_outcome_is_not_retried_and_the_next_upsert_updates_it()
    {
        _store.FailNextWriteAfterCommit = 1;

        var ex = await Assert.ThrowsAsync<AcumaticaTransientException>(() => _client.UpsertActivityAsync(Draft(), Ct));

        Assert.True(ex.RequestMayHaveBeenApplied);
        Assert.Single(_store.PutBodies); // never blind-retried by the pipeline

        var retry = await _client.UpsertActivityAsync(Draft(), Ct);

        Assert.False(retry.Created);
        Assert.Single(_store.Rows);
    }

    [Fact]
    public async Task Duplicates_left_by_older_runs_are_reported_the_oldest_is_updated_and_the_others_deleted()
    {
        var a = await _client.CreateActivityAsync(Draft(), Ct);
        var b = await _client.CreateActivityAsync(Draft(), Ct);

        var result = await _client.UpsertActivityAsync(Draft("again"), Ct);

        Assert.Equal(a.Id, result.Activity.Id);
        Assert.Equal(1, result.DuplicatesFound);
        Assert.Equal([b.Id!.Value], _store.Deleted);
        Assert.Equal(a.Id.ToString(), Assert.Single(_store.Rows)["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_twin_created_by_another_writer_at_the_same_moment_is_settled_on_the_oldest_activity()
    {
        // Another replica creates the ticket's first activity between our lookup and our create (and so is older).
        Guid? theirs = null;
        _store.BeforeInsert = body =>
        {
            _store.BeforeInsert = null;
            theirs = _store.Insert(body);
        };

        var result = await _client.UpsertActivityAsync(Draft("Printer on fire (solved)"), Ct);

        Assert.False(result.Created);
        Assert.Equal(theirs, result.Activity.Id);
        Assert.Equal(1, result.DuplicatesFound);
        var row = Assert.Single(_store.Rows); // ours was deleted, theirs carries our (newer) draft
        Assert.Equal(theirs.ToString(), row["id"]!.GetValue<string>());
        Assert.Equal("[zendesk-ticket:acme:35436] Printer on fire (solved)", row["Summary"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_an_activity_that_is_already_gone_counts_as_deleted()
    {
        var a = await _client.CreateActivityAsync(Draft(), Ct);

        await _client.DeleteActivityAsync(a.Id!.Value, Ct);
        await _client.DeleteActivityAsync(a.Id!.Value, Ct); // answered 500 "No entity satisfies the condition."

        Assert.Empty(_store.Rows);
        Assert.Equal(2, _store.Deleted.Count);
    }

    [Fact]
    public async Task A_422_on_create_carries_the_field_errors()
    {
        _acu.StubJson("PUT", $"{FakeAcumatica.EndpointPath}/Activity", 422,
            Fixtures.Sample("customer_PUT_422_validation_error").GetProperty("body").GetRawText(), priority: -1);

        var ex = await Assert.ThrowsAsync<AcumaticaValidationException>(() => _client.CreateActivityAsync(Draft(), Ct));

        Assert.Equal("Activity", ex.Entity);
        Assert.Equal("Details[0].Project", Assert.Single(ex.FieldErrors).Path);
        Assert.Contains("cannot be found in the system", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsRetryable);
    }

    [Fact]
    public void Markers_are_stable_and_do_not_prefix_match()
    {
        var m12 = AcumaticaActivityMarker.ForZendeskTicket("ACME", 12);

        Assert.Equal("[zendesk-ticket:acme:12]", m12.Text);
        Assert.DoesNotContain(m12.Text, AcumaticaActivityMarker.ForZendeskTicket("acme", 123).Text, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AcumaticaActivityMarker.ForZendeskTicket("ac'me", 1));
        Assert.Equal(255, (Draft(new string('x', 400)) with { }).Summary.Length);
    }

    public void Dispose()
    {
        _host.Dispose();
        _acu.Dispose();
    }
}
