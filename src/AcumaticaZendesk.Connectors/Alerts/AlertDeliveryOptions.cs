using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.Connectors.Alerts;

/// <summary>How alerts are sent (section <c>Alerts:Delivery</c>): a bounded number of attempts per channel, each with a timeout.</summary>
public sealed class AlertDeliveryOptions
{
    public const string SectionName = "Alerts:Delivery";

    /// <summary>Attempts per channel and alert (1-10, default 3).</summary>
    [Range(1, 10)]
    public int Attempts { get; set; } = 3;

    /// <summary>Wait before the second attempt; doubled before each further one (default 2 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest one attempt may take (connect, send, answer; default 15 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
