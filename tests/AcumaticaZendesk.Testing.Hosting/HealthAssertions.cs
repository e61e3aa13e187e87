using System.Net;
using System.Text.Json;

namespace AcumaticaZendesk.Testing.Hosting;

/// <summary>The health contract every app shares: /alive is process-only, /health includes the sidecar.</summary>
public static class HealthAssertions
{
    /// <summary>/alive answers 200 Healthy with only the process check.</summary>
    public static async Task<JsonElement> AssertAliveAsync(HttpClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri("/alive", UriKind.Relative), cancellationToken);
        var body = await ReadAsync(response, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK || body.GetProperty("status").GetString() != "Healthy")
        {
            throw new InvalidOperationException($"/alive answered {(int)response.StatusCode}: {body}");
        }

        if (body.GetProperty("checks").TryGetProperty("dapr-sidecar", out _))
        {
            throw new InvalidOperationException("/alive must not depend on the Dapr sidecar");
        }

        return body;
    }

    /// <summary>/health answers 503 Unhealthy and names the unreachable sidecar endpoint.</summary>
    public static async Task<string> AssertUnhealthyWithoutSidecarAsync(HttpClient client, string sidecarEndpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
        var body = await ReadAsync(response, cancellationToken);
        var sidecar = body.GetProperty("checks").GetProperty("dapr-sidecar");
        var description = sidecar.GetProperty("description").GetString() ?? "";
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable
            || sidecar.GetProperty("status").GetString() != "Unhealthy"
            || !description.Contains(sidecarEndpoint, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"/health answered {(int)response.StatusCode}: {body}");
        }

        return description;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
