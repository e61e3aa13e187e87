using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace AcumaticaZendesk.EmbeddedHost.EndToEndTests;

/// <summary>
/// `make run` without the Dapr CLI (and `make demo`): the embedded mode's program, started as a user starts it, brings
/// the demo tenant into the sandbox Zendesk on its first cron tick and answers the README's operator calls. Everything
/// is checked over HTTP, as a user would look.
/// </summary>
public sealed class EmbeddedModeTests
{
    /// <summary>Generous for 2 shared cores; the first run takes seconds on an idle machine.</summary>
    private static readonly TimeSpan FirstRunDeadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_first_run_brings_the_demo_organizations_and_users_into_the_sandbox_Zendesk_and_the_README_calls_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var secrets = DemoSecrets.Create();
        await using var host = EmbeddedHostProcess.Start(secrets.Path);
        using var sandbox = new HttpClient { BaseAddress = host.SandboxUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var admin = OperatorClient(host.WorkerUrl, secrets.AdminKey);

        var run = await WaitForFirstRunAsync(host, admin, ct);
        Assert.True((string?)run["status"] == "completed", $"first run: {run.ToJsonString()}\n{host.Output}");

        // Every demo customer and vendor is an organization whose external_id is its account code.
        var accounts = (await ValuesAsync(sandbox, "Customer", r => r["CustomerID"], ct))
            .Concat(await ValuesAsync(sandbox, "Vendor", r => r["VendorID"], ct)).ToHashSet(StringComparer.Ordinal);
        var organizations = (await GetArrayAsync(sandbox, "_sandbox/zendesk/demo/organizations", ct))
            .Select(o => (string?)o?["external_id"]).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(accounts);
        Assert.Subset(organizations, accounts);

        // Every demo contact and employee with an e-mail is a Zendesk user.
        var emails = (await ValuesAsync(sandbox, "Contact", r => r["Email"], ct))
            .Concat(await ValuesAsync(sandbox, "Employee", r => r["ContactInfo"]?["Email"], ct))
            .Select(e => e.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var users = (await GetArrayAsync(sandbox, "_sandbox/zendesk/demo/users", ct))
            .Select(u => ((string?)u?["email"])?.ToLowerInvariant()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(emails);
        Assert.Subset(users, emails);

        // The sandbox's signed webhooks reach the receiver and pass its signature check (a forged one answers 401).
        var webhooks = JsonNode.Parse(await sandbox.GetStringAsync(new Uri("_sandbox/webhooks", UriKind.Relative), ct))!;
        var attempts = webhooks["attempts"]!.AsArray();
        Assert.NotEmpty(attempts);
        Assert.All(attempts, a => Assert.Equal(200, (int?)a?["status"]));

        // The README's operator calls.
        var check = await admin.PostAsync(new Uri("operator/v1/tenants/demo/check", UriKind.Relative), null, ct);
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((string?)JsonNode.Parse(await check.Content.ReadAsStringAsync(ct))?["summary"]));

        using var reason = new StringContent("""{"reason":"first look"}""", Encoding.UTF8, "application/json");
        var runNow = await admin.PostAsync(new Uri("operator/v1/tenants/demo/runs", UriKind.Relative), reason, ct);
        Assert.True(runNow.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"run now answered {(int)runNow.StatusCode}");

        var runs = await GetArrayAsync(admin, "operator/v1/tenants/demo/runs", ct);
        Assert.NotNull(runs[0]?["runId"]);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("operator/v1/tenants/demo/failed", UriKind.Relative), ct)).StatusCode);

        // The demo-ops key sees the demo tenant and nothing else.
        using var demoOps = OperatorClient(host.WorkerUrl, secrets.DemoOpsKey);
        Assert.Equal(HttpStatusCode.OK, (await demoOps.GetAsync(new Uri("operator/v1/tenants/demo/runs", UriKind.Relative), ct)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await demoOps.GetAsync(new Uri("operator/v1/tenants/other/runs", UriKind.Relative), ct)).StatusCode);

        // The main job's metrics are scrapeable at /metrics (Prometheus text) and moved with the run.
        using var scraper = new HttpClient { BaseAddress = host.WorkerUrl, Timeout = TimeSpan.FromSeconds(30) };
        var metrics = await scraper.GetStringAsync(new Uri("metrics", UriKind.Relative), ct);
        Assert.True(PrometheusText.Sum(metrics, "sync_records_total", "tenant=\"demo\"", "kind=\"customer\"", "outcome=\"created\"") > 0, metrics);
        Assert.True(PrometheusText.Sum(metrics, "sync_runs_total", "tenant=\"demo\"", "status=\"completed\"") >= 1, metrics);
        Assert.True(PrometheusText.Sum(metrics, "sync_run_duration_seconds_count", "tenant=\"demo\"") >= 1, metrics);
        Assert.True(PrometheusText.Sum(metrics, "sync_watermark_lag_seconds", "tenant=\"demo\"", "kind=\"contact\"") > 0, metrics);
        Assert.True(PrometheusText.Sum(metrics, "zendesk_client_requests_total") > 0, metrics);

        // It said which mode it is and printed progress.
        Assert.Contains("embedded mode, for evaluation only", host.Output, StringComparison.Ordinal);
        Assert.Contains("progress] demo run", host.Output, StringComparison.Ordinal);
    }

    private static HttpClient OperatorClient(Uri workerUrl, string key)
    {
        var client = new HttpClient { BaseAddress = workerUrl, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<JsonNode> WaitForFirstRunAsync(EmbeddedHostProcess host, HttpClient admin, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + FirstRunDeadline;
        while (DateTimeOffset.UtcNow < deadline)
        {
            Assert.False(host.HasExited, $"the embedded host exited:\n{host.Output}");
            try
            {
                using var response = await admin.GetAsync(new Uri("operator/v1/tenants/demo/runs", UriKind.Relative), ct);
                if (response.IsSuccessStatusCode
                    && JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) is JsonArray runs
                    && runs.LastOrDefault() is { } first && (string?)first["status"] != "running")
                {
                    return first;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        Assert.Fail($"no run finished within {FirstRunDeadline}:\n{host.Output}");
        throw new InvalidOperationException();
    }

    /// <summary>The non-empty values of one field of every record of an entity in the sandbox's Acumatica.</summary>
    private static async Task<List<string>> ValuesAsync(HttpClient sandbox, string entity, Func<JsonNode, JsonNode?> field, CancellationToken ct) =>
        (await GetArrayAsync(sandbox, $"_sandbox/acumatica/demo/records/{entity}", ct))
            .Select(r => r is null ? null : (string?)field(r)?["value"])
            .Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).ToList();

    private static async Task<JsonArray> GetArrayAsync(HttpClient client, string path, CancellationToken ct) =>
        JsonNode.Parse(await client.GetStringAsync(new Uri(path, UriKind.Relative), ct))!.AsArray();
}
