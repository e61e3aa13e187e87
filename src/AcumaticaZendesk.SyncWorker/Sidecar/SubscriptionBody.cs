using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Sidecar;

/// <summary>
/// Reads the data of a delivered event. A body that is no JSON of <typeparamref name="T"/> can never succeed, and daprd
/// retries every answer but 404 and <c>DROP</c> (dapr <c>pkg/runtime/subscription/postman/http/http.go</c>): the
/// handlers answer <see cref="Drop"/> for it instead of the 400/415 that model binding would give.
/// </summary>
public static class SubscriptionBody
{
    /// <summary>daprd's answer for a message that must not be retried (it goes to the dead-letter topic).</summary>
    public static IResult Drop => Results.Ok(new { status = "DROP" });

    /// <summary>The event, or null when the body is empty or no JSON of <typeparamref name="T"/>.</summary>
    public static async Task<T?> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        var json = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
