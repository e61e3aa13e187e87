using System.Globalization;
using System.Net.Http.Headers;

namespace AcumaticaZendesk.Zendesk.Http;

/// <summary>
/// The per-account request budget learnt from <c>X-Rate-Limit</c> / <c>X-Rate-Limit-Remaining</c> (and
/// <c>ratelimit-reset</c> when present) plus any 429 <c>Retry-After</c>. Before each request it says how long
/// to wait: until a 429's block ends, or, once the remaining requests fall into the reserve, the rest of the
/// minute spread over what remains, so the connector slows down before it is refused.
/// </summary>
internal sealed class ZendeskRateBudget(double reserveFraction)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private int? _limit;
    private int? _remaining;
    private DateTimeOffset _windowResetsAt;
    private DateTimeOffset _blockedUntil;

    /// <summary>
    /// How long to wait before the next request. <paramref name="booked"/> says whether the request has been
    /// counted against the budget (send after the wait) or must ask again after it (blocked, or budget spent).
    /// </summary>
    public TimeSpan NextDelay(DateTimeOffset now, out bool booked)
    {
        booked = false;
        lock (_lock)
        {
            if (_blockedUntil > now)
            {
                return _blockedUntil - now;
            }

            if (_limit is not { } limit || _remaining is not { } remaining || _windowResetsAt <= now)
            {
                return TimeSpan.Zero;
            }

            var reserve = Math.Max(1, (int)Math.Ceiling(limit * reserveFraction));
            if (remaining <= 0)
            {
                return _windowResetsAt - now;
            }

            if (remaining <= reserve)
            {
                var left = _windowResetsAt - now;
                _remaining = remaining - 1;
                booked = true;
                return left / (remaining + 1);
            }

            _remaining = remaining - 1;
            booked = true;
            return TimeSpan.Zero;
        }
    }

    public void Observe(HttpResponseHeaders headers, DateTimeOffset now)
    {
        var limit = ReadInt(headers, "X-Rate-Limit") ?? ReadInt(headers, "ratelimit-limit");
        var remaining = ReadInt(headers, "X-Rate-Limit-Remaining") ?? ReadInt(headers, "ratelimit-remaining");
        var reset = ReadInt(headers, "ratelimit-reset");
        if (limit is null && remaining is null)
        {
            return;
        }

        lock (_lock)
        {
            _limit = limit ?? _limit;
            _remaining = remaining ?? _remaining;
            if (reset is { } seconds)
            {
                _windowResetsAt = now.AddSeconds(seconds);
            }
            else if (_windowResetsAt <= now)
            {
                _windowResetsAt = now + Window;
            }
        }
    }

    /// <summary>
    /// After a 429: nobody sends to this account before <paramref name="until"/>. The budget learnt so far is
    /// forgotten: Zendesk's <c>Retry-After</c> says when sending may resume, and the first answer after it tells the
    /// new budget (keeping the old window would wait out the rest of a minute the server did not ask for).
    /// </summary>
    public void BlockUntil(DateTimeOffset until)
    {
        lock (_lock)
        {
            if (until > _blockedUntil)
            {
                _blockedUntil = until;
            }

            _remaining = null;
            _windowResetsAt = _blockedUntil;
        }
    }

    public (int? Limit, int? Remaining) Snapshot()
    {
        lock (_lock)
        {
            return (_limit, _remaining);
        }
    }

    /// <summary>Whether an answer says requests are left in the current minute (<c>X-Rate-Limit-Remaining</c> or <c>ratelimit-remaining</c> above 0).</summary>
    public static bool LeavesRequests(HttpResponseHeaders headers) =>
        (ReadInt(headers, "X-Rate-Limit-Remaining") ?? ReadInt(headers, "ratelimit-remaining")) > 0;

    private static int? ReadInt(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>At most <c>limit</c> requests in any <c>window</c> (the incremental exports' 10 per minute).</summary>
internal sealed class ZendeskSlidingWindow(int limit, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _sent = new();
    private readonly Lock _lock = new();

    /// <summary>Zero (and the request is booked) or how long to wait before asking again.</summary>
    public TimeSpan TryAcquire(DateTimeOffset now)
    {
        lock (_lock)
        {
            while (_sent.Count > 0 && _sent.Peek() + window <= now)
            {
                _sent.Dequeue();
            }

            if (_sent.Count < limit)
            {
                _sent.Enqueue(now);
                return TimeSpan.Zero;
            }

            return _sent.Peek() + window - now;
        }
    }
}
