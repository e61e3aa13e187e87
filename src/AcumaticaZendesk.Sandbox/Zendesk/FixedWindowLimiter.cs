namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>Outcome of a rate-limit check.</summary>
internal readonly record struct RateDecision(bool Allowed, int Limit, int Remaining, int RetryAfterSeconds, int ResetSeconds = 0);

/// <summary>Request budget in a fixed window (a minute unless scaled) that opens with the first request.</summary>
internal sealed class FixedWindowLimiter(TimeProvider time)
{
    private readonly Lock gate = new();
    private DateTimeOffset windowStart = DateTimeOffset.MinValue;
    private int used;

    public RateDecision TryAcquire(int perMinute) => TryAcquire(perMinute, TimeSpan.FromMinutes(1));

    public RateDecision TryAcquire(int perWindow, TimeSpan window)
    {
        if (perWindow <= 0)
        {
            return new RateDecision(true, 0, 0, 0);
        }

        var now = time.GetUtcNow();
        lock (gate)
        {
            if (now - windowStart >= window)
            {
                windowStart = now;
                used = 0;
            }

            var reset = Math.Max(1, (int)Math.Ceiling((windowStart + window - now).TotalSeconds));
            if (used >= perWindow)
            {
                return new RateDecision(false, perWindow, 0, reset, reset);
            }

            used++;
            return new RateDecision(true, perWindow, perWindow - used, 0, reset);
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            windowStart = DateTimeOffset.MinValue;
            used = 0;
        }
    }
}

/// <summary>Where an account's webhook events go and the secret they are signed with.</summary>
public sealed record WebhookTarget(string Url, string Secret, string WebhookId);
