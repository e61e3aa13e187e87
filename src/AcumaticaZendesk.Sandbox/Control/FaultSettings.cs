namespace AcumaticaZendesk.Sandbox.Control;

/// <summary>Injected faults for one simulated system. All members are optional knobs; defaults inject nothing.</summary>
public sealed class FaultSettings
{
    /// <summary>Probability (0..1) that a request fails with one of <see cref="ErrorStatusCodes"/>.</summary>
    public double ErrorRate { get; set; }

    /// <summary>Status codes drawn for injected errors (default 500, 503).</summary>
    public IList<int> ErrorStatusCodes { get; set; } = [500, 503];

    /// <summary>Added latency per request, in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Probability (0..1) that the connection is aborted without a response.</summary>
    public double DropRate { get; set; }

    /// <summary>The next N requests fail with <see cref="FailNextStatus"/> (deterministic, for tests).</summary>
    public int FailNextCount { get; set; }

    /// <summary>Status used by <see cref="FailNextCount"/>.</summary>
    public int FailNextStatus { get; set; } = 503;
}
