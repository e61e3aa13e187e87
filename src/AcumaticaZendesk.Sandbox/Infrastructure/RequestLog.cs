using System.Collections.Concurrent;

namespace AcumaticaZendesk.Sandbox.Infrastructure;

/// <summary>One request the sandbox received.</summary>
public sealed record ReceivedRequest(DateTimeOffset At, string System, string Method, string Endpoint, string Path, int Status);

/// <summary>Counts every request by system, method and route template; keeps the most recent ones.</summary>
public sealed class RequestLog
{
    private const int Capacity = 20_000;
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedRequest> recent = new();
    private long total;

    public long Total => Interlocked.Read(ref total);

    internal void Add(ReceivedRequest request)
    {
        Interlocked.Increment(ref total);
        counts.AddOrUpdate($"{request.Method} {request.Endpoint}", 1, static (_, c) => c + 1);
        statuses.AddOrUpdate($"{request.System} {request.Status}", 1, static (_, c) => c + 1);
        recent.Enqueue(request);
        while (recent.Count > Capacity && recent.TryDequeue(out _))
        {
        }
    }

    /// <summary>Counts keyed by "METHOD /route/template".</summary>
    public IReadOnlyDictionary<string, long> Counts() => new SortedDictionary<string, long>(counts, StringComparer.Ordinal);

    /// <summary>How many requests matched this method and route template (as in <see cref="Counts"/>).</summary>
    public long Count(string method, string endpoint) => counts.TryGetValue($"{method} {endpoint}", out var c) ? c : 0;

    /// <summary>
    /// Every answer since the last <see cref="Clear"/> (not only the recent ones), keyed "system status"
    /// (e.g. "zendesk 429", "acumatica 499" for a dropped connection): the sandbox's own count of what it answered.
    /// </summary>
    public IReadOnlyDictionary<string, long> StatusCounts() => new SortedDictionary<string, long>(statuses, StringComparer.Ordinal);

    public IReadOnlyList<ReceivedRequest> Recent(int max = 1000) => [.. recent.Reverse().Take(max)];

    public void Clear()
    {
        counts.Clear();
        statuses.Clear();
        recent.Clear();
        Interlocked.Exchange(ref total, 0);
    }
}
