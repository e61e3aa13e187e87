using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>Limits and names of the webhook endpoints (section <c>WebhookReceiver</c>), validated at start.</summary>
public sealed class WebhookReceiverOptions
{
    public const string SectionName = "WebhookReceiver";

    /// <summary>Largest body accepted; a bigger one is answered 413 without being read further.</summary>
    [Range(1_024, 10 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Header that carries the tenant's shared secret on Acumatica push notifications.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9-]{1,64}$")]
    public string AcumaticaSecretHeader { get; set; } = "X-Acumatica-Push-Secret";

    /// <summary>How long an accepted Zendesk event id is remembered (state TTL) to drop redeliveries.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "30.00:00:00")]
    public TimeSpan SeenEventRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Deadline of each sidecar call (secret, state, publish) made while answering a webhook.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan SidecarCallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
