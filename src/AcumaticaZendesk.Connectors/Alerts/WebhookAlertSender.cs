using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AcumaticaZendesk.Connectors.Egress;
using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.Sync.Alerts;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Connectors.Alerts;

/// <summary>
/// Posts an alert to the tenant's webhook (<see cref="WebhookAlertBody"/>). The URL is read from the secret store at each
/// send and goes through the <see cref="EgressPolicy"/> like every tenant-system call: http only to allow-listed hosts,
/// and no connection to loopback, private, link-local or metadata addresses unless allow-listed; no redirects.
/// </summary>
public sealed class WebhookAlertSender(IHttpClientFactory clients, ISecretSource secrets, EgressPolicy egress) : IAlertChannel
{
    public const string HttpClientName = "alerts-webhook";

    /// <summary>Largest answer read from a webhook (a hostile receiver cannot exhaust memory; Slack answers a few bytes).</summary>
    public const int MaxResponseBytes = 64 * 1024;

    /// <summary>Longest part of a refusal's body kept in the outcome (Slack answers e.g. <c>invalid_payload</c>).</summary>
    private const int BodyExcerpt = 200;

    public string Name => "webhook";

    public async Task<AlertAttempt> SendAsync(AlertSettings settings, AlertNotice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(notice);
        var channel = settings.Webhook ?? throw new InvalidOperationException("The tenant has no webhook channel.");
        if (AlertSecretScope.Refusal(channel.UrlSecret, notice.TenantId) is { } outside)
        {
            return outside;
        }

        var value = await secrets.GetSecretAsync(channel.UrlSecret, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(value))
        {
            return AlertAttempt.Permanent($"secret '{channel.UrlSecret}' is missing from {SecretLookup.Describe(secrets, channel.UrlSecret)}");
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url))
        {
            return AlertAttempt.Permanent($"secret '{channel.UrlSecret}' does not hold an absolute URL");
        }

        if (egress.CheckUrl(url) is { } refused)
        {
            return AlertAttempt.Permanent($"the webhook is not called: {refused}");
        }

        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .PostAsJsonAsync(url, WebhookAlertBody.Create(notice, channel.Format), cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                // A Teams connector may refuse over its rate limit with 200 and this text in the body (Microsoft Teams
                // docs, connectors-using.md, "Rate limiting for connectors"): not delivered, try again later.
                return channel.Format == WebhookFormat.Teams && body.Contains(TeamsRateLimited, StringComparison.OrdinalIgnoreCase)
                    ? AlertAttempt.Transient($"the Teams webhook answered 200 but refused the message: {Excerpt(body)}")
                    : AlertAttempt.Done;
            }

            var error = string.Create(CultureInfo.InvariantCulture, $"the webhook answered {(int)response.StatusCode}")
                + (string.IsNullOrWhiteSpace(body) ? "" : $": {Excerpt(body)}");
            return (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
                ? AlertAttempt.Transient(error)
                : AlertAttempt.Permanent(error);
        }
        catch (HttpRequestException ex) when ((ex as EgressRefusedException ?? ex.InnerException as EgressRefusedException) is { } refusal)
        {
            // Refused at connect time (the connection callback's refusal arrives wrapped): no attempt would be let through.
            return AlertAttempt.Permanent(refusal.Message);
        }
        catch (HttpRequestException ex)
        {
            // The message names host and port at most; the URL's path (where Slack and Teams keep the token) is never in it.
            return AlertAttempt.Transient($"the webhook could not be reached: {ex.Message.Replace(value.Trim(), "[webhook URL]", StringComparison.Ordinal)}");
        }
    }

    /// <summary>What a Teams connector's 200 answer says when it refused the message for its rate limit.</summary>
    private const string TeamsRateLimited = "HTTP error 429";

    private static string Excerpt(string body)
    {
        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length <= BodyExcerpt ? line : line[..BodyExcerpt] + "…";
    }
}
