namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>Outcome of a rate-limit check.</summary>
internal readonly record struct RateDecision(bool Allowed, int Limit, int Remaining, int RetryAfterSeconds, int ResetSeconds = 0);

/// <summary>Request budget in a fixed window (a minute unless scaled) that opens with the first request.</summary>
internal sealed class FixedWindowLimiter(TimeProvider time)
{
    private readonly Lock gate = new();
    private DateTimeOffset windowStart = DateTimeOffset.MinValue;
    private int used;
    private int peak;
    private int refused;

    /// <summary>The most requests served in one window since the last reset: the sandbox's own count of how full the account got.</summary>
    public int PeakServed
    {
        get
        {
            lock (gate)
            {
                return peak;
            }
        }
    }

    /// <summary>Requests refused because the window's allowance was used up (not injected faults).</summary>
    public int RefusedForLimit
    {
        get
        {
            lock (gate)
            {
                return refused;
            }
        }
    }

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
                refused++;
                return new RateDecision(false, perWindow, 0, reset, reset);
            }

            used++;
            peak = Math.Max(peak, used);
            return new RateDecision(true, perWindow, perWindow - used, 0, reset);
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            windowStart = DateTimeOffset.MinValue;
            used = 0;
            peak = 0;
            refused = 0;
        }
    }
}

/// <summary>Where an account's webhook events go and the secret they are signed with.</summary>
public sealed record WebhookTarget(string Url, string Secret, string WebhookId);
