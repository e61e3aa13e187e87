using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Zendesk.Webhooks;

/// <summary>Webhook verification settings (configuration section <c>Zendesk:Webhooks</c>).</summary>
public sealed class ZendeskWebhookOptions
{
    public const string SectionName = "Zendesk:Webhooks";

    /// <summary>
    /// How far the signature timestamp may be from now, either way. Zendesk states no replay window; 5 minutes
    /// allows for clock skew and delivery delay.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "Zendesk:Webhooks:TimestampTolerance must be positive and at most 24 hours.")]
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Why a webhook request failed verification.</summary>
public enum ZendeskWebhookFailure
{
    None,
    MissingSecret,
    MissingSignature,
    MissingTimestamp,
    MalformedTimestamp,
    StaleTimestamp,
    MalformedSignature,
    SignatureMismatch,
}

/// <summary>The verdict on one webhook request; <see cref="Reason"/> is safe to log (no secret, no body).</summary>
public sealed record ZendeskWebhookVerification(ZendeskWebhookFailure Failure, string Reason)
{
    public bool IsValid => Failure == ZendeskWebhookFailure.None;

    internal static readonly ZendeskWebhookVerification Valid = new(ZendeskWebhookFailure.None, "valid");
}

/// <summary>
/// Verifies Zendesk webhook requests: <c>X-Zendesk-Webhook-Signature</c> must equal
/// base64(HMAC-SHA256(key = signing secret as UTF-8, message = <c>X-Zendesk-Webhook-Signature-Timestamp</c> + raw body)),
/// compared in constant time, and the timestamp must lie within <see cref="ZendeskWebhookOptions.TimestampTolerance"/>
/// of now (clock from the injected <see cref="TimeProvider"/>).
/// </summary>
public sealed class ZendeskWebhookVerifier(TimeProvider timeProvider, IOptions<ZendeskWebhookOptions> options)
{
    public const string SignatureHeader = "X-Zendesk-Webhook-Signature";
    public const string TimestampHeader = "X-Zendesk-Webhook-Signature-Timestamp";
    public const string WebhookIdHeader = "X-Zendesk-Webhook-Id";

    /// <summary>Verifies one request from its two signature headers and the raw body bytes exactly as received.</summary>
    public ZendeskWebhookVerification Verify(string signingSecret, string? signature, string? timestamp, ReadOnlySpan<byte> rawBody)
    {
        if (string.IsNullOrEmpty(signingSecret))
        {
            return new(ZendeskWebhookFailure.MissingSecret, "no signing secret is configured for this webhook");
        }

        if (string.IsNullOrWhiteSpace(signature))
        {
            return new(ZendeskWebhookFailure.MissingSignature, $"the {SignatureHeader} header is missing");
        }

        if (string.IsNullOrWhiteSpace(timestamp))
        {
            return new(ZendeskWebhookFailure.MissingTimestamp, $"the {TimestampHeader} header is missing");
        }

        if (!DateTimeOffset.TryParse(
            timestamp,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var signedAt))
        {
            return new(ZendeskWebhookFailure.MalformedTimestamp, $"the {TimestampHeader} header is not an RFC 3339 time");
        }

        var skew = (timeProvider.GetUtcNow() - signedAt).Duration();
        if (skew > options.Value.TimestampTolerance)
        {
            return new(ZendeskWebhookFailure.StaleTimestamp,
                $"the signature timestamp is {skew.TotalSeconds:0} s away from now (tolerance {options.Value.TimestampTolerance.TotalSeconds:0} s)");
        }

        Span<byte> provided = stackalloc byte[64];
        if (!Convert.TryFromBase64String(signature.Trim(), provided, out var written) || written != HMACSHA256.HashSizeInBytes)
        {
            return new(ZendeskWebhookFailure.MalformedSignature, $"the {SignatureHeader} header is not a base64 HMAC-SHA256 digest");
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeSignature(signingSecret, timestamp, rawBody, expected);
        return CryptographicOperations.FixedTimeEquals(expected, provided[..written])
            ? ZendeskWebhookVerification.Valid
            : new(ZendeskWebhookFailure.SignatureMismatch, "the signature does not match the body and timestamp");
    }

    /// <summary>
    /// The signature Zendesk sends for <paramref name="rawBody"/> at <paramref name="timestamp"/> (used by the
    /// sandbox to sign its webhooks, and by tests).
    /// </summary>
    public static string Sign(string signingSecret, string timestamp, ReadOnlySpan<byte> rawBody)
    {
        ArgumentException.ThrowIfNullOrEmpty(signingSecret);
        ArgumentNullException.ThrowIfNull(timestamp);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeSignature(signingSecret, timestamp, rawBody, mac);
        return Convert.ToBase64String(mac);
    }

    /// <summary>The value for <see cref="TimestampHeader"/>: RFC 3339 UTC to the second, e.g. <c>2024-04-17T17:18:10Z</c>.</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void ComputeSignature(string signingSecret, string timestamp, ReadOnlySpan<byte> rawBody, Span<byte> destination)
    {
        var timestampBytes = Encoding.UTF8.GetBytes(timestamp);
        var message = new byte[timestampBytes.Length + rawBody.Length];
        timestampBytes.CopyTo(message, 0);
        rawBody.CopyTo(message.AsSpan(timestampBytes.Length));
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), message, destination);
    }
}
