namespace AcumaticaZendesk.SyncWorker.Tenants;

/// <summary>Where the worker finds tenants to create at start (existing tenants are never overwritten).</summary>
public sealed class TenantSeedOptions
{
    public const string SectionName = "Tenants";

    /// <summary>A JSON array of tenants, relative to the content root; empty: none (tenants come from the operator API).</summary>
    public string? SeedFile { get; set; }

    /// <summary>Wait between attempts while the state store (the Dapr sidecar) is not reachable yet.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
