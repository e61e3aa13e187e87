namespace AcumaticaZendesk.Sandbox.Zendesk;

/// <summary>Outcome of a rate-limit check.</summary>
internal readonly record struct RateDecision(bool Allowed, int Limit, int Remaining, int RetryAfterSeconds);

/// <summary>Per-minute request budget in a fixed window that opens with the first request.</summary>
internal sealed class FixedWindowLimiter(TimeProvider time)
{
    private readonly Lock gate = new();
    private DateTimeOffset windowStart = DateTimeOffset.MinValue;
    private int used;

    public RateDecision TryAcquire(int perMinute)
    {
        if (perMinute <= 0)
        {
            return new RateDecision(true, 0, 0, 0);
        }

        var now = time.GetUtcNow();
        lock (gate)
        {
            if (now - windowStart >= TimeSpan.FromMinutes(1))
            {
                windowStart = now;
                used = 0;
            }

            if (used >= perMinute)
            {
                var retry = (int)Math.Ceiling((windowStart + TimeSpan.FromMinutes(1) - now).TotalSeconds);
                return new RateDecision(false, perMinute, 0, Math.Max(1, retry));
            }

            used++;
            return new RateDecision(true, perMinute, perMinute - used, 0);
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
