using System.Collections.Concurrent;
using AcumaticaZendesk.Sandbox.Acumatica;
using AcumaticaZendesk.Sandbox.Control;
using AcumaticaZendesk.Sandbox.Infrastructure;
using AcumaticaZendesk.Sandbox.Zendesk;

namespace AcumaticaZendesk.Sandbox;

/// <summary>Everything the sandbox holds: instances, accounts, faults, request log. Thread-safe.</summary>
internal sealed class SandboxState : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, AcuInstance> instances = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ZdAccount> accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Random random;
    private readonly Lock randomGate = new();

    public SandboxState(TimeProvider time, int randomSeed)
    {
        Time = time;
        random = new Random(randomSeed);
        Webhooks = new WebhookDispatcher(time, NextDouble);
    }

    public TimeProvider Time { get; }

    public RequestLog Requests { get; } = new();

    /// <summary>Answers faulted on purpose, by kind (<c>zendesk slow POST</c>, <c>acumatica injected 503</c>, <c>zendesk dropped</c>, …).</summary>
    public ConcurrentDictionary<string, int> TamperedAnswers { get; } = new(StringComparer.Ordinal);

    public FaultSettings AcumaticaFaults { get; set; } = new();

    public FaultSettings ZendeskFaults { get; set; } = new();

    public WebhookDispatcher Webhooks { get; }

    /// <summary>Set when something changed that file persistence should save.</summary>
    public int Version;

    public double NextDouble()
    {
        lock (randomGate)
        {
            return random.NextDouble();
        }
    }

    public int NextInt(int max)
    {
        lock (randomGate)
        {
            return random.Next(max);
        }
    }

    public AcuInstance? FindAcumatica(string name) => instances.GetValueOrDefault(name);

    public ZdAccount? FindZendesk(string subdomain) => accounts.GetValueOrDefault(subdomain);

    public IReadOnlyCollection<AcuInstance> AcumaticaInstances => [.. instances.Values];

    public IReadOnlyCollection<ZdAccount> ZendeskAccounts => [.. accounts.Values];

    public AcuInstance AddAcumatica(string name, string tenant, IEnumerable<string> versions) =>
        instances.GetOrAdd(name, n => new AcuInstance(n, tenant, versions, Time));

    public ZdAccount AddZendesk(string subdomain) =>
        accounts.GetOrAdd(subdomain, s => new ZdAccount(s, Time) { EventSink = Webhooks.Enqueue });

    public void Reset()
    {
        instances.Clear();
        accounts.Clear();
        Requests.Clear();
        TamperedAnswers.Clear();
        Webhooks.ClearLog();
        AcumaticaFaults = new FaultSettings();
        ZendeskFaults = new FaultSettings();
        Interlocked.Increment(ref Version);
    }

    public ValueTask DisposeAsync() => Webhooks.DisposeAsync();
}
