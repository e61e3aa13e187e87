using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;

namespace AcumaticaZendesk.Sync.Alerts;

/// <summary>An alert whose condition held at the last evaluation.</summary>
/// <param name="Delivered">False when every channel failed the last time: the next evaluation sends it again.</param>
public sealed record OpenAlert(AlertKind Kind, DateTimeOffset Since, DateTimeOffset LastSentAt, bool Delivered);

/// <summary>How one channel took one alert.</summary>
public sealed record AlertChannelOutcome(string Channel, bool Delivered, int Attempts, string? Error);

/// <summary>An alert that was sent (or tried), with each channel's outcome.</summary>
public sealed record SentAlert(string Id, AlertKind Kind, DateTimeOffset At, string Summary, IReadOnlyList<AlertChannelOutcome> Outcomes);

/// <summary>The alert state of a tenant (<c>alerts:{tenant}</c>): open alerts and the recent ones sent, newest first.</summary>
public sealed record AlertLedgerState(IReadOnlyList<OpenAlert> Open, IReadOnlyList<SentAlert> Recent)
{
    public static readonly AlertLedgerState Empty = new([], []);
}

/// <summary>
/// Alert de-duplication every replica agrees on: sent when its condition starts to hold, again after <see cref="AlertSettings.RenotifyAfter"/>
/// or when every channel failed. The claim is one ETag-guarded write, so of two evaluations at once one sends.
/// </summary>
public sealed class AlertLedger(IConnectorStateStore store, TimeProvider time)
{
    public const int RecentLimit = 50;

    public static string Key(string tenantId) => $"alerts:{tenantId}";

    public async Task<AlertLedgerState> GetAsync(string tenantId, CancellationToken cancellationToken) =>
        (await store.GetAsync<AlertLedgerState>(Key(tenantId), cancellationToken).ConfigureAwait(false)).Value ?? AlertLedgerState.Empty;

    /// <summary>Records which conditions hold now and returns those that are due to be sent (claimed by this caller).</summary>
    public async Task<IReadOnlyList<AlertCondition>> ClaimAsync(
        string tenantId, IReadOnlyList<AlertCondition> holding, TimeSpan renotifyAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(holding);
        var now = time.GetUtcNow();
        IReadOnlyList<AlertCondition> due = [];
        await store.UpdateAsync<AlertLedgerState>(Key(tenantId), current =>
        {
            current ??= AlertLedgerState.Empty;
            var claimed = new List<AlertCondition>();
            var open = new List<OpenAlert>();
            foreach (var condition in holding.DistinctBy(c => c.Kind))
            {
                var known = current.Open.FirstOrDefault(o => o.Kind == condition.Kind);
                if (known is null || !known.Delivered || now - known.LastSentAt >= renotifyAfter)
                {
                    claimed.Add(condition);
                    open.Add(new OpenAlert(condition.Kind, known?.Since ?? now, now, Delivered: true));
                }
                else
                {
                    open.Add(known);
                }
            }

            due = claimed;
            return current with { Open = open };
        }, cancellationToken).ConfigureAwait(false);
        return due;
    }

    /// <summary>Keeps what the channels did with an alert; when none delivered it, the alert is due again at the next evaluation.</summary>
    public Task RecordAsync(string tenantId, SentAlert sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var delivered = sent.Outcomes.Any(o => o.Delivered);
        return store.UpdateAsync<AlertLedgerState>(Key(tenantId), current =>
        {
            current ??= AlertLedgerState.Empty;
            var open = delivered
                ? current.Open
                : [.. current.Open.Select(o => o.Kind == sent.Kind ? o with { Delivered = false } : o)];
            return new AlertLedgerState(open, [.. current.Recent.Prepend(sent).Take(RecentLimit)]);
        }, cancellationToken);
    }
}
