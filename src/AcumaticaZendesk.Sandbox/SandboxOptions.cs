namespace AcumaticaZendesk.Sandbox;

/// <summary>How a sandbox host starts. Bind from the command line or build in code.</summary>
public sealed class SandboxOptions
{
    /// <summary>Kestrel URLs; <c>http://127.0.0.1:0</c> picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:0";

    /// <summary><c>demo</c> loads the demo dataset (see docs/sandbox.md); null or empty starts empty.</summary>
    public string? Seed { get; set; }

    /// <summary>Optional JSON file: loaded at start when present, written on stop and after control changes.</summary>
    public string? StateFile { get; set; }

    /// <summary>Clock for tokens, timestamps, rate-limit windows and jobs (tests pass a FakeTimeProvider).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Seed of the random source behind fault injection.</summary>
    public int RandomSeed { get; set; } = 20260101;

    /// <summary>When set, Zendesk account "demo" (if present) sends its webhook events here.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Signing secret for <see cref="WebhookUrl"/> (default: the demo secret in docs/sandbox.md).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Write one Serilog console line per request (off for tests and benchmarks).</summary>
    public bool RequestLogging { get; set; }
}
