namespace AcumaticaZendesk.Connectors.Alerts;

/// <summary>The result of one attempt to hand an alert to a channel.</summary>
/// <param name="Retryable">Whether another attempt may succeed (a timeout or 5xx may; a missing secret or a refused address will not).</param>
/// <param name="Error">What went wrong in words, without any secret; null when delivered.</param>
public sealed record AlertAttempt(bool Delivered, bool Retryable, string? Error)
{
    public static readonly AlertAttempt Done = new(true, false, null);

    public static AlertAttempt Transient(string error) => new(false, true, error);

    public static AlertAttempt Permanent(string error) => new(false, false, error);
}

/// <summary>One way of sending alerts (webhook, e-mail).</summary>
public interface IAlertChannel
{
    /// <summary>The channel's name in outcomes and logs (<c>webhook</c>, <c>email</c>).</summary>
    string Name { get; }

    /// <summary>One attempt; throws only for cancellation (other failures are <see cref="AlertAttempt"/>s).</summary>
    Task<AlertAttempt> SendAsync(Sync.Alerts.AlertSettings settings, AlertNotice notice, CancellationToken cancellationToken);
}
