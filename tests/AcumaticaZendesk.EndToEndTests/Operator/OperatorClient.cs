using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.EndToEndTests.Operator;

/// <summary>
/// The operator API of the real sync worker (<c>/operator/v1</c>), called over HTTP as an operator's script would,
/// with <see cref="SandboxedConnector.OperatorKey"/> in <c>X-Api-Key</c>.
/// </summary>
internal sealed class OperatorClient(HttpClient worker, string? apiKey = SandboxedConnector.OperatorKey)
{
    public const string Prefix = "/operator/v1";

    /// <summary>Sends a call and answers status and JSON body (null when empty).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Prefix + path);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await worker.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken) =>
        Expect(HttpStatusCode.OK, "GET " + path, await SendAsync(HttpMethod.Get, path, null, cancellationToken));

    public async Task<JsonNode> PostAsync(string path, object? body, HttpStatusCode expected, CancellationToken cancellationToken) =>
        Expect(expected, "POST " + path, await SendAsync(HttpMethod.Post, path, body, cancellationToken));

    /// <summary>Run now (<c>POST /tenants/{id}/runs</c>), retried while the previous run still holds the tenant's lease; answers the run id.</summary>
    public async Task<string> RunNowAsync(string tenantId, string reason, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (status, body) = await SendAsync(HttpMethod.Post, $"/tenants/{tenantId}/runs", new { reason }, cts.Token);
            if (status == HttpStatusCode.Conflict && ((string?)body?["detail"])?.Contains("in progress", StringComparison.OrdinalIgnoreCase) == true)
            {
                // The previous run's completion activity releases the lease a moment after the workflow reports done.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cts.Token);
                continue;
            }

            return (string)Expect(HttpStatusCode.Accepted, "run now", (status, body))["runId"]!;
        }
    }

    /// <summary>Polls <c>GET /tenants/{id}/runs/{runId}</c> until the workflow finished; answers the last view.</summary>
    public async Task<JsonNode> WaitForRunAsync(
        string tenantId,
        string runId,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        Action<JsonNode>? onPoll = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            var view = await GetAsync($"/tenants/{tenantId}/runs/{runId}", cts.Token);
            onPoll?.Invoke(view);
            if (IsFinished(view))
            {
                return view;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cts.Token);
        }
    }

    public static string? WorkflowStatus(JsonNode view) => (string?)view["workflow"]?["runtimeStatus"];

    public static string? RunStatus(JsonNode view) => (string?)view["run"]?["status"];

    public static int Total(JsonNode view, string count) => (int?)view["totals"]?[count] ?? 0;

    private static bool IsFinished(JsonNode view) =>
        WorkflowStatus(view) is { } status
        && status.ToLowerInvariant() is "completed" or "failed" or "terminated"
        && RunStatus(view) is { } run && !run.Equals("running", StringComparison.OrdinalIgnoreCase);

    private static JsonNode Expect(HttpStatusCode expected, string call, (HttpStatusCode Status, JsonNode? Body) answer)
    {
        Assert.True(answer.Status == expected, $"{call}: expected {(int)expected}, got {(int)answer.Status}: {answer.Body?.ToJsonString()}");
        return answer.Body ?? new JsonObject();
    }
}
