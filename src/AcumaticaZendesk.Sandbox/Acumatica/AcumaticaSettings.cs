namespace AcumaticaZendesk.Sandbox.Acumatica;

/// <summary>Licence and behaviour knobs of one simulated Acumatica instance.</summary>
public sealed class AcumaticaSettings
{
    /// <summary>Maximum Number of Web Services API Users: open cookie sessions allowed (trial licence: 2).</summary>
    public int MaxApiSessions { get; set; } = 2;

    /// <summary>An idle cookie session ends after this long.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Requests processed at once ("API cores"); further requests wait in a queue.</summary>
    public int MaxConcurrentRequests { get; set; } = 8;

    /// <summary>A request is declined with 429 when more than this many are already waiting.</summary>
    public int MaxQueuedRequests { get; set; } = 20;

    /// <summary>Licence requests per minute; past 50 % of it each request is delayed. 0 = unlimited.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>OAuth access-token lifetime.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public string BuildVersion { get; set; } = "24.200.0123";
}
