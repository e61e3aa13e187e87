using System.Net;
using System.Text.Json;

namespace AcumaticaZendesk.Testing;

/// <summary>
/// An operator connects a tenant as a person would: <c>POST /operator/v1/tenants/{id}/connect/{system}</c> with an API
/// key, the browser opens the authorize URL (the sandbox's identity server consents and redirects), and the
/// browser follows the redirect to the operator's callback (completed by the same key that started it), which
/// exchanges the code and stores the tokens.
/// </summary>
public static class OperatorConsent
{
    public static async Task ConnectAsync(HttpClient worker, string apiKey, string tenantId, string system, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        using var start = new HttpRequestMessage(HttpMethod.Post, $"/operator/v1/tenants/{Uri.EscapeDataString(tenantId)}/connect/{system}");
        start.Headers.Add("X-Api-Key", apiKey);
        using var started = await worker.SendAsync(start, cancellationToken).ConfigureAwait(false);
        var body = await started.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        Require(started.StatusCode == HttpStatusCode.OK, $"starting the {system} consent for '{tenantId}' answered {(int)started.StatusCode}: {body}");
        var authorize = new Uri(JsonDocument.Parse(body).RootElement.GetProperty("authorizeUrl").GetString()!);

        // The browser: a cookie jar of its own, redirects followed by hand so each hop is checked.
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });
        using var consent = await browser.GetAsync(authorize, cancellationToken).ConfigureAwait(false);
        Require(consent.StatusCode == HttpStatusCode.Redirect && consent.Headers.Location is not null,
            $"the authorize endpoint answered {(int)consent.StatusCode} instead of redirecting back");
        var callback = consent.Headers.Location!;
        Require(!callback.Query.Contains("error=", StringComparison.Ordinal), $"consent refused: {callback.Query}");
        // The consent is bound to whoever started it: the browser that got its nonce cookie, or the same API key.
        using var back = new HttpRequestMessage(HttpMethod.Get, callback);
        back.Headers.Add("X-Api-Key", apiKey);
        using var completed = await browser.SendAsync(back, cancellationToken).ConfigureAwait(false);
        Require(completed.StatusCode == HttpStatusCode.OK,
            $"the callback answered {(int)completed.StatusCode}: {await completed.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
