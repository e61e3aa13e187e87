namespace AcumaticaZendesk.Sandbox.Acumatica;

/// <summary>
/// Licence throughput model: requests run on N "API cores"; excess requests wait in a queue (declined with 429
/// only when more than MaxQueuedRequests wait); once half the per-minute budget is used, each request is delayed
/// by (time left in the minute ÷ requests left).
/// </summary>
internal sealed class AcuThrottle(AcuInstance instance, TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Queue<DateTimeOffset> lastMinute = new();
    private SemaphoreSlim cores = new(8);
    private int configuredCores = 8;
    private int waiting;

    /// <summary>Requests currently holding an API core.</summary>
    public int InUse
    {
        get
        {
            lock (gate)
            {
                return configuredCores - cores.CurrentCount;
            }
        }
    }

    /// <summary>Enters the queue; returns null when declined, otherwise a releaser to dispose when done.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        var settings = instance.Settings;
        SemaphoreSlim current;
        lock (gate)
        {
            if (configuredCores != Math.Max(1, settings.MaxConcurrentRequests))
            {
                configuredCores = Math.Max(1, settings.MaxConcurrentRequests);
                cores = new SemaphoreSlim(configuredCores);
            }

            current = cores;
            if (current.CurrentCount == 0 && waiting >= settings.MaxQueuedRequests)
            {
                return null;
            }

            waiting++;
        }

        try
        {
            await current.WaitAsync(cancellationToken);
        }
        finally
        {
            lock (gate)
            {
                waiting--;
            }
        }

        var delay = BudgetDelay(settings.RequestsPerMinute);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }

        return new Releaser(current);
    }

    private TimeSpan BudgetDelay(int perMinute)
    {
        if (perMinute <= 0)
        {
            return TimeSpan.Zero;
        }

        var now = time.GetUtcNow();
        lock (gate)
        {
            while (lastMinute.Count > 0 && now - lastMinute.Peek() >= TimeSpan.FromMinutes(1))
            {
                lastMinute.Dequeue();
            }

            lastMinute.Enqueue(now);
            var used = lastMinute.Count;
            if (used * 2 < perMinute)
            {
                return TimeSpan.Zero;
            }

            var left = Math.Max(1, perMinute - used);
            var windowLeft = TimeSpan.FromMinutes(1) - (now - lastMinute.Peek());
            return windowLeft / left;
        }
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
