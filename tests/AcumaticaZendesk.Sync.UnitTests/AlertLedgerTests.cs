using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.State;
using Microsoft.Extensions.Time.Testing;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class AlertLedgerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Renotify = TimeSpan.FromHours(6);
    private static readonly AlertCondition Failed = new(AlertKind.RunFailed, "Run r1 failed", "boom");
    private static readonly AlertCondition Queue = new(AlertKind.ReplayQueue, "30 records wait", "30");

    private readonly FakeTimeProvider _time = new(T0);
    private readonly AlertLedger _ledger;

    public AlertLedgerTests() => _ledger = new AlertLedger(new InMemoryConnectorStateStore(), _time);

    private static SentAlert Sent(AlertCondition condition, bool delivered) =>
        new("a1", condition.Kind, T0, condition.Summary, [new AlertChannelOutcome("webhook", delivered, 3, delivered ? null : "503")]);

    [Fact]
    public async Task A_condition_is_sent_once_while_it_holds_and_again_after_the_renotify_interval()
    {
        Assert.Equal([Failed], await _ledger.ClaimAsync("contoso", [Failed], Renotify, None));

        _time.Advance(Renotify - TimeSpan.FromSeconds(1));
        Assert.Empty(await _ledger.ClaimAsync("contoso", [Failed], Renotify, None));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([Failed], await _ledger.ClaimAsync("contoso", [Failed], Renotify, None));
        Assert.Equal(T0, Assert.Single((await _ledger.GetAsync("contoso", None)).Open).Since);
    }

    [Fact]
    public async Task A_condition_that_cleared_is_sent_again_when_it_comes_back()
    {
        await _ledger.ClaimAsync("contoso", [Failed, Queue], Renotify, None);

        Assert.Empty(await _ledger.ClaimAsync("contoso", [Queue], Renotify, None));
        Assert.Equal([Failed], await _ledger.ClaimAsync("contoso", [Failed, Queue], Renotify, None));
    }

    [Fact]
    public async Task An_alert_no_channel_delivered_is_due_at_the_next_evaluation()
    {
        await _ledger.ClaimAsync("contoso", [Failed], Renotify, None);
        await _ledger.RecordAsync("contoso", Sent(Failed, delivered: false), None);

        Assert.Equal([Failed], await _ledger.ClaimAsync("contoso", [Failed], Renotify, None));
        await _ledger.RecordAsync("contoso", Sent(Failed, delivered: true), None);
        Assert.Empty(await _ledger.ClaimAsync("contoso", [Failed], Renotify, None));
        Assert.Equal(2, (await _ledger.GetAsync("contoso", None)).Recent.Count);
    }

    [Fact]
    public async Task Two_replicas_evaluating_over_one_store_send_once()
    {
        var store = new InMemoryConnectorStateStore();
        var replicas = new[] { new AlertLedger(store, _time), new AlertLedger(store, _time) };

        var claims = await Task.WhenAll(replicas.Select(r => r.ClaimAsync("contoso", [Failed], Renotify, None)));

        Assert.Equal(1, claims.Sum(c => c.Count));
    }

    [Fact]
    public async Task An_alert_one_of_two_channels_delivered_is_not_sent_again_before_the_renotify_interval()
    {
        await _ledger.ClaimAsync("contoso", [Failed], Renotify, None);
        var sent = Sent(Failed, delivered: true) with
        {
            Outcomes = [new AlertChannelOutcome("webhook", false, 3, "503"), new AlertChannelOutcome("email", true, 1, null)],
        };
        await _ledger.RecordAsync("contoso", sent, None);

        Assert.Empty(await _ledger.ClaimAsync("contoso", [Failed], Renotify, None));
    }

    [Fact]
    public async Task A_failed_delivery_makes_only_that_alert_due_again()
    {
        await _ledger.ClaimAsync("contoso", [Failed, Queue], Renotify, None);
        await _ledger.RecordAsync("contoso", Sent(Queue, delivered: true), None);
        await _ledger.RecordAsync("contoso", Sent(Failed, delivered: false), None);

        Assert.Equal([Failed], await _ledger.ClaimAsync("contoso", [Failed, Queue], Renotify, None));
    }

    [Fact]
    public async Task Recent_alerts_are_listed_newest_first()
    {
        await _ledger.RecordAsync("contoso", Sent(Failed, delivered: true) with { Id = "first" }, None);
        await _ledger.RecordAsync("contoso", Sent(Queue, delivered: true) with { Id = "second" }, None);

        Assert.Equal(["second", "first"], (await _ledger.GetAsync("contoso", None)).Recent.Select(a => a.Id));
    }
}
