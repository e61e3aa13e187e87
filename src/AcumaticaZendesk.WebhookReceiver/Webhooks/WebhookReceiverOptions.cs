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

    /// <summary>How long a tenant's webhook secrets read from the store are reused (a rotated secret applies within this time; the previous one stays valid
    /// meanwhile).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SecretCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long "this tenant has no secret" is remembered (unknown tenants cost one store read per period).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MissingSecretCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Webhook requests accepted per minute from one source address (then 429).</summary>
    [Range(1, 1_000_000)]
    public int PerSourcePerMinute { get; set; } = 6_000;

    /// <summary>Webhook requests accepted per minute for one tenant (then 429).</summary>
    [Range(1, 1_000_000)]
    public int PerTenantPerMinute { get; set; } = 1_200;

    /// <summary>Deadline of each sidecar call (secret, state, publish) made while answering a webhook.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan SidecarCallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
